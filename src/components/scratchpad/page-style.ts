/** The Scratchpad's styles in the page (the outputs' styles live in the frame: frame.ts). */

const STYLE_ID = "scratchpad-style";
const STYLE = `
.scratchpad { max-width: 100%; }
.scratchpad-toolbar { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.5rem 0 1rem;
  position: sticky; top: 0; z-index: 2; padding: 0.4rem 0; background: var(--theme-background); }
.scratchpad button { font: 14px var(--sans-serif); padding: 0.3rem 0.7rem; border-radius: 6px;
  border: 1px solid var(--theme-foreground-faint); background: var(--theme-background-alt); color: var(--theme-foreground);
  cursor: pointer; min-height: 2rem; }
.scratchpad button:hover { border-color: var(--theme-foreground-focus); }
.scratchpad button:disabled { opacity: 0.45; cursor: default; }
.scratchpad button.scratchpad-primary { background: var(--theme-foreground-focus); color: var(--theme-background); border-color: transparent; }
.scratchpad-message { font: 13px var(--sans-serif); color: var(--theme-foreground-muted); min-width: 8rem; }
.scratchpad-cell { margin: 0 0 1.25rem; }
.scratchpad-cell-head { display: flex; align-items: center; gap: 0.4rem; margin-bottom: 0.25rem; font: 13px var(--sans-serif);
  color: var(--theme-foreground-muted); }
.scratchpad-cell-head button { padding: 0.1rem 0.55rem; min-height: 1.7rem; font-size: 13px; }
.scratchpad-cell-label { font-family: var(--monospace); }
.scratchpad-cell-time { margin-left: auto; }
/* The frame lies under the cells; the list lets clicks through where outputs are drawn. */
.scratchpad-stage { position: relative; }
.scratchpad-frame { position: absolute; left: 0; top: 0; width: 100%; height: 100%; border: 0; z-index: 0;
  background: transparent; color-scheme: light dark; }
.scratchpad-cells { position: relative; z-index: 1; pointer-events: none; }
.scratchpad-cell-head, .scratchpad-editor { pointer-events: auto; }
.scratchpad-output { margin-top: 0.4rem; height: 0; }
.scratchpad-cell[data-status="running"] .scratchpad-cell-label::after { content: " running…"; }
.scratchpad-banner { font: 14px var(--sans-serif); padding: 0.4rem 0.6rem; border-left: 3px solid var(--theme-red);
  background: color-mix(in srgb, var(--theme-red) 10%, transparent); margin-bottom: 0.75rem; }
.scratchpad-add { margin-top: 0.25rem; }
@media (max-width: 480px) {
  .scratchpad-toolbar { gap: 0.3rem; }
  .scratchpad button { font-size: 13px; padding: 0.2rem 0.5rem; min-height: 1.8rem; }
  .scratchpad-cell-head button { padding: 0.1rem 0.4rem; }
}
`;

/** Adds the Scratchpad's style sheet to the document once. */
export function ensureStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = STYLE;
  doc.head.appendChild(style);
}
