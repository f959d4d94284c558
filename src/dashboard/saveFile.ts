/**
 * Hands a file the hub answered (a CSV export) to the browser as a download named `name`. Its
 * object URL is given back once the browser has had time to take the file (a click starts the
 * download but does not wait for it).
 */
export function saveFile(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
