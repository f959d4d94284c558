/**
 * Which display the kiosk window fills (`display` setting): the system's display id, else an
 * index in the system's list (0, 1, …); the primary display when it is absent or names no
 * display connected now (a reason is given, for the log).
 */

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayInfo {
  id: number;
  bounds: Rectangle;
}

export interface DisplayChoice<D extends DisplayInfo> {
  display: D;
  /** Why the configured display was not used. */
  warning?: string;
}

export function chooseDisplay<D extends DisplayInfo>(displays: readonly D[], primary: D, setting: string | undefined): DisplayChoice<D> {
  if (setting === undefined) return { display: primary };
  const byId = displays.find((display) => String(display.id) === setting);
  if (byId) return { display: byId };
  const byIndex = displays[Number(setting)];
  if (byIndex) return { display: byIndex };
  const known = displays.map((display, index) => `${index} (id ${display.id})`).join(', ');
  return { display: primary, warning: `display ${setting}: no such display (connected: ${known}); using the primary display` };
}

export interface PlacedWindow {
  setKiosk(flag: boolean): void;
  setBounds(bounds: Rectangle): void;
}

/** Move the kiosk window onto `display` (kiosk mode is left and entered again around the move). */
export function placeOnDisplay(window: PlacedWindow, display: DisplayInfo): void {
  window.setKiosk(false);
  window.setBounds(display.bounds);
  window.setKiosk(true);
}
