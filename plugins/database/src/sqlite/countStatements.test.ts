import { describe, expect, it } from 'vitest';
import { countStatements, forbiddenStatement } from './countStatements.js';

describe('countStatements', () => {
  it.each([
    ['SELECT 1', 1],
    ['SELECT 1;', 1],
    ['SELECT 1; ', 1],
    ['SELECT 1; -- done', 1],
    ['SELECT 1; /* done */', 1],
    ['', 0],
    [' ; ;', 0],
    ['-- only a comment', 0],
    ['SELECT 1; SELECT 2', 2],
    ["SELECT ';' AS a", 1],
    ["SELECT 'it''s; fine'", 1],
    ['SELECT "a;b" FROM t', 1],
    ['SELECT [a;b], `c;d` FROM t', 1],
    ['SELECT 1 -- ; not a statement\n', 1],
    ['SELECT /* ; */ 1', 1],
    ['CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET n = n + 1; DELETE FROM z; END', 1],
    ['CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT CASE WHEN 1 THEN 2 END; END; SELECT 1', 2],
  ])('%j holds %i statement(s)', (sql, n) => {
    expect(countStatements(sql)).toBe(n);
  });
});

describe('forbiddenStatement', () => {
  it.each([
    ["ATTACH DATABASE '/etc/other.db' AS x", 'ATTACH and DETACH'],
    ['/* hi */ -- there\n  attach \'x.db\' as y', 'ATTACH and DETACH'],
    ['DETACH x', 'ATTACH and DETACH'],
    ["VACUUM INTO '/tmp/copy.db'", 'VACUUM INTO'],
    ["vacuum main into '/tmp/copy.db'", 'VACUUM INTO'],
  ])('refuses %j', (sql, why) => {
    expect(forbiddenStatement(sql)).toContain(why);
  });

  it.each(['SELECT 1', 'VACUUM', "SELECT 'ATTACH' AS a", 'INSERT INTO t VALUES (1)'])('allows %j', (sql) => {
    expect(forbiddenStatement(sql)).toBeUndefined();
  });
});
