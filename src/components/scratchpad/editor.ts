/**
 * Scratchpad: the code editor of one cell, a CodeMirror 6 view with JavaScript highlighting.
 * Shift-Enter (or Ctrl/Cmd-Enter) runs the cell. Colours come from the page's CSS variables
 * (Framework's --theme-* and --syntax-*), so the editor follows light and dark mode; CodeMirror's
 * own dark flag (tooltips, panels) follows `prefers-color-scheme`.
 */
import {basicSetup} from "codemirror";
import {javascript} from "@codemirror/lang-javascript";
import {Compartment, EditorState, Prec} from "@codemirror/state";
import {EditorView, keymap} from "@codemirror/view";
import {HighlightStyle, syntaxHighlighting} from "@codemirror/language";
import {tags} from "@lezer/highlight";

export interface CellEditorOptions {
  doc: string;
  /** Shift-Enter / Ctrl-Enter / Cmd-Enter. */
  onRun: () => void;
  /** Called with the new text after every change. */
  onChange?: (text: string) => void;
  /** Accessible name of the editing area. */
  label?: string;
}

export interface CellEditor {
  readonly view: EditorView;
  text(): string;
  setText(text: string): void;
  focus(): void;
  destroy(): void;
}

const highlight = HighlightStyle.define([
  {tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword], color: "var(--syntax-keyword)"},
  {tag: [tags.comment, tags.lineComment, tags.blockComment], color: "var(--syntax-comment)", fontStyle: "italic"},
  {tag: [tags.string, tags.special(tags.string), tags.regexp], color: "var(--syntax-string)"},
  {
    tag: [tags.number, tags.bool, tags.null, tags.atom, tags.constant(tags.variableName)],
    color: "var(--syntax-constant)"
  },
  {tag: [tags.definition(tags.variableName), tags.definition(tags.propertyName)], color: "var(--syntax-variable)"},
  {
    tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.className, tags.typeName],
    color: "var(--syntax-entity)"
  },
  {tag: tags.invalid, color: "var(--theme-red)"}
]);

const theme = EditorView.theme({
  "&": {
    color: "var(--theme-foreground)",
    backgroundColor: "var(--theme-background-alt)",
    fontSize: "14px",
    borderRadius: "6px",
    border: "1px solid var(--theme-foreground-faintest)"
  },
  "&.cm-focused": {outline: "2px solid var(--theme-foreground-focus)", outlineOffset: "-1px"},
  ".cm-scroller": {fontFamily: "var(--monospace)", lineHeight: "1.5"},
  ".cm-content": {caretColor: "var(--theme-foreground)"},
  ".cm-cursor, .cm-dropCursor": {borderLeftColor: "var(--theme-foreground)"},
  ".cm-gutters": {
    backgroundColor: "var(--theme-background-alt)",
    color: "var(--theme-foreground-muted)",
    border: "none",
    borderRadius: "6px 0 0 6px"
  },
  ".cm-activeLine": {backgroundColor: "color-mix(in srgb, var(--theme-foreground) 4%, transparent)"},
  ".cm-activeLineGutter": {backgroundColor: "color-mix(in srgb, var(--theme-foreground) 6%, transparent)"},
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    {
      backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 30%, transparent)"
    },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": {
    backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 20%, transparent)"
  },
  ".cm-tooltip": {
    backgroundColor: "var(--theme-background)",
    color: "var(--theme-foreground)",
    border: "1px solid var(--theme-foreground-faint)"
  }
});

function prefersDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export function createCellEditor(parent: HTMLElement, options: CellEditorOptions): CellEditor {
  const dark = new Compartment();
  const run = () => {
    options.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        Prec.highest(
          keymap.of([
            {key: "Shift-Enter", run},
            {key: "Mod-Enter", run}
          ])
        ),
        basicSetup,
        javascript(),
        syntaxHighlighting(highlight),
        theme,
        dark.of(EditorView.darkTheme.of(prefersDark())),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({"aria-label": options.label ?? "Cell code"}),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        })
      ]
    })
  });
  const media = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
  const onScheme = () => view.dispatch({effects: dark.reconfigure(EditorView.darkTheme.of(prefersDark()))});
  media?.addEventListener("change", onScheme);

  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
    },
    focus: () => view.focus(),
    destroy() {
      media?.removeEventListener("change", onScheme);
      view.destroy();
    }
  };
}
