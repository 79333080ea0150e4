// The visually hidden table beside a chart: the same numbers for screen readers, whose canvas is hidden.

/**
 * fillTable(table, { caption, columns: ["Day", "Views", ...], rows: [["1 May", "12", ...], ...] })
 * The first cell of each row is its header.
 */
export function fillTable(table, { caption, columns, rows }) {
  const captionBox = document.createElement("caption");
  captionBox.textContent = caption;
  const head = document.createElement("thead");
  const headRow = head.insertRow();
  for (const label of columns) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = label;
    headRow.append(cell);
  }
  const body = document.createElement("tbody");
  for (const [label, ...values] of rows) {
    const line = body.insertRow();
    const rowHeader = document.createElement("th");
    rowHeader.scope = "row";
    rowHeader.textContent = label;
    line.append(rowHeader);
    for (const value of values) line.insertCell().textContent = value;
  }
  table.replaceChildren(captionBox, head, body);
}
