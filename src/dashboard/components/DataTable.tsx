import type { ReactNode, TableHTMLAttributes } from 'react';

/** A column's head: its label, or a label only screen readers hear (a column of buttons). */
export type Column = ReactNode | { hidden: string };

export interface DataTableProps extends Omit<TableHTMLAttributes<HTMLTableElement>, 'children'> {
  /** The table's name for screen readers; `hiddenCaption` keeps it off screen (the page's heading says it). */
  caption?: ReactNode;
  hiddenCaption?: boolean;
  columns: readonly Column[];
  /** The one row shown when there is none to show (loading, nothing yet); leave out when rows follow. */
  empty?: ReactNode;
  /** Scrolls sideways on a narrow screen rather than widening the page (a string: more classes for that box). */
  wrap?: boolean | string;
  /** The body's rows. */
  children?: ReactNode;
  /** Rows of totals, under the body. */
  foot?: ReactNode;
}

function isHidden(column: Column): column is { hidden: string } {
  return typeof column === 'object' && column !== null && 'hidden' in column;
}

/** Every table of the dashboard: caption, column heads, an "empty" row, the rows given. */
export function DataTable({ caption, hiddenCaption = false, columns, empty, wrap = true, children, foot, ...attributes }: DataTableProps) {
  const table = (
    <table {...attributes}>
      {caption !== undefined ? <caption className={hiddenCaption ? 'sr-only' : undefined}>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index} scope="col">
              {isHidden(column) ? <span className="sr-only">{column.hidden}</span> : column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {empty !== undefined && empty !== null ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : null}
        {children}
      </tbody>
      {foot !== undefined ? <tfoot>{foot}</tfoot> : null}
    </table>
  );
  if (wrap === false) return table;
  return <div className={typeof wrap === 'string' ? `table-wrap ${wrap}` : 'table-wrap'}>{table}</div>;
}
