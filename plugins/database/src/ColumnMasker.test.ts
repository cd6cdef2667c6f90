import { describe, expect, it } from 'vitest';
import { ColumnMasker } from './ColumnMasker.js';

describe('ColumnMasker', () => {
  const masker = new ColumnMasker(['users.email', 'hr.salaries.amount', '*.password'], '***');

  it('masks columns traced to a masked table column, under any alias', () => {
    const columns = [
      { name: 'id', origin: { schema: 'public', table: 'users', column: 'id' } },
      { name: 'contact', origin: { schema: 'public', table: 'USERS', column: 'email' } },
      { name: 'amount', origin: { schema: 'hr', table: 'salaries', column: 'amount' } },
      { name: 'amount', origin: { schema: 'public', table: 'salaries', column: 'amount' } },
      { name: 'pw', origin: { table: 'accounts', column: 'password' } },
    ];
    expect(masker.columnsToMask(columns)).toEqual([1, 2, 4]);
    const rows = [[1, 'a@x', 10, 20, 'secret']];
    expect(masker.apply(columns, rows)).toEqual(['contact', 'amount', 'pw']);
    expect(rows).toEqual([[1, '***', '***', 20, '***']]);
  });

  it('masks an aliased column of a table with rules when the driver cannot tell which column it is', () => {
    expect(masker.columnsToMask([{ name: 'who', origin: { table: 'users' } }])).toEqual([0]);
    expect(masker.columnsToMask([{ name: 'who', origin: { table: 'teams' } }])).toEqual([]);
    expect(masker.columnsToMask([{ name: 'password', origin: { table: 'teams' } }])).toEqual([0]);
  });

  it('masks computed columns named like a masked column, and keeps nulls', () => {
    const columns = [{ name: 'email' }, { name: 'n' }];
    const rows = [
      ['a@x', 1],
      [null, 2],
    ];
    masker.apply(columns, rows);
    expect(rows).toEqual([
      ['***', 1],
      [null, 2],
    ]);
  });

  it('tells whether a table column is masked', () => {
    expect(masker.isMasked('public', 'users', 'email')).toBe(true);
    expect(masker.isMasked(undefined, 'users', 'EMAIL')).toBe(true);
    expect(masker.isMasked('public', 'salaries', 'amount')).toBe(false);
    expect(masker.isMasked('x', 'anything', 'password')).toBe(true);
    expect(new ColumnMasker([], '*').empty).toBe(true);
  });
});
