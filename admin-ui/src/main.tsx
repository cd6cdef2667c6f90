import { render } from 'preact';

function App() {
  return <h1>mcp-host admin</h1>;
}

render(<App />, document.getElementById('app')!);
