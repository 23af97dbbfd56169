/**
 * A US social security number AAA-GG-SSSS that the SSA can have issued: area not
 * 000, 666 or 900–999, group not 00, serial not 0000.
 */
export function isUsSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== "00" && serial !== "0000";
}
