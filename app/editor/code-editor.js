// The code editor of Python exercises: CodeMirror 6 (MIT, from npm, pinned
// by app/package-lock.json), bundled by scripts/build.sh into
// pkg/code-editor.js and fetched only on a lesson with a Python exercise,
// once the page is hydrated. It takes the place of the exercise's text
// area, which stays in the form (hidden) and keeps the program, so the
// form posts as it does without JavaScript and the trial run reads it.
//
// Keyboard: Tab and Shift+Tab indent (Python needs it); Esc and then Tab
// moves on to the next control, as the hint under the editor says, so the
// editor is never a keyboard trap. Colours are the site's code colours
// (the `hl-*` classes of 30-lesson-parts.css, AA in every theme), and its
// look follows the site's themes from the same file.
import { EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine, highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching, HighlightStyle, indentOnInput, indentUnit, LanguageSupport, syntaxHighlighting,
} from '@codemirror/language';
// The language alone, without its completions (no pop-ups to announce).
import { pythonLanguage } from '@codemirror/lang-python';
import { tags } from '@lezer/highlight';

// Lezer's tags drawn with the classes the server's highlighter uses.
const colours = HighlightStyle.define([
  { tag: [tags.comment, tags.lineComment], class: 'hl-comment' },
  { tag: [tags.string, tags.special(tags.string), tags.escape], class: 'hl-string' },
  { tag: [tags.number, tags.bool, tags.null], class: 'hl-number' },
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.operatorKeyword, tags.modifier], class: 'hl-keyword' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.function(tags.definition(tags.variableName))], class: 'hl-function' },
  { tag: [tags.className, tags.typeName, tags.definition(tags.className)], class: 'hl-type' },
  { tag: [tags.self, tags.standard(tags.variableName)], class: 'hl-attribute' },
]);

/**
 * Puts an editor in the place of `textarea` (a `.code-input`), labelled by
 * the text area's label and described by `hint`; returns its view.
 */
export function attach(textarea, hint) {
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const most = Number(textarea.getAttribute('maxlength')) || Infinity;
  const content = { spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off', translate: 'no', lang: 'en' };
  if (label?.id) content['aria-labelledby'] = label.id;
  if (hint?.id) content['aria-describedby'] = hint.id;
  // CodeMirror adds its own rules in a style element: the page's nonce
  // lets it in (the policy admits no other inline style).
  const nonce = document.querySelector('script[nonce]')?.nonce ?? '';
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        indentUnit.of('    '),
        EditorState.tabSize.of(4),
        new LanguageSupport(pythonLanguage),
        syntaxHighlighting(colours),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.editorAttributes.of({ class: 'code-editor' }),
        EditorView.contentAttributes.of(content),
        EditorView.cspNonce.of(nonce),
        // No more than the text area would take (the server's limit).
        EditorState.transactionFilter.of((tr) => (tr.docChanged && tr.newDoc.length > most ? [] : tr)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.after(view.dom);
  textarea.hidden = true;
  if (hint) hint.hidden = false;
  // The label names a text area no longer shown: a click on it goes to
  // the editor, as it went to the text area.
  label?.addEventListener('click', (event) => { event.preventDefault(); view.focus(); });
  return view;
}
