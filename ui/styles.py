"""CSS and the small script of the web app (kept out of app.py)."""

CSS = """
.ms-header h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
.ms-header p { margin: 0 0 .6rem 0; }
.ms-question { white-space: normal; overflow-wrap: anywhere; }
.ms-answer .ms-text { overflow-wrap: anywhere; }
a.ms-ref { font-size: .75em; vertical-align: super; line-height: 0; color: var(--color-accent);
  text-decoration: none; cursor: pointer; padding: 0 .05em; }
a.ms-ref:hover, a.ms-ref:focus { text-decoration: underline; }
ul.ms-list { margin: .3rem 0 .3rem 1.2rem; padding: 0; }
ul.ms-list li { margin: .15rem 0; }
.ms-sources-doc { font-weight: 400; color: var(--body-text-color-subdued); font-size: .85rem; }
.ms-src-item + .ms-src-item { border-top: 1px dashed var(--border-color-primary); margin-top: .3rem;
  padding-top: .3rem; }
.ms-src-item.ms-flash { background: #fff6cc; transition: background .3s; }
details.ms-table-box { margin: .5rem 0; }
details.ms-table-box > summary { cursor: pointer; font-weight: 600; font-size: .9rem !important; }
.ms-streaming .ms-text { opacity: .85; }
.ms-sources { margin-top: .8rem; border-top: 1px solid var(--border-color-primary); padding-top: .4rem; }
.ms-sources-h { font-weight: 600; font-size: .95rem; margin-bottom: .3rem; }
details.ms-source { margin: .25rem 0; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: .25rem .5rem; background: var(--background-fill-secondary); }
.ms-answer details.ms-source > summary { cursor: pointer; font-size: .95rem !important; font-weight: 400; }
.ms-answer details.ms-source[open] > summary { font-weight: 600; }
.ms-answer details.ms-diag { margin-top: .4rem; font-size: .8rem; color: var(--body-text-color-subdued); }
.ms-answer details.ms-diag > summary { cursor: pointer; font-size: .8rem !important; font-weight: 400; }
.ms-n { font-weight: 600; color: var(--color-accent); }
.ms-meta { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-size: .9em; margin: .4rem 0; }
blockquote.ms-passage { margin: .3rem 0; padding: .3rem .6rem; border-left: 3px solid var(--color-accent);
  white-space: normal; overflow-wrap: anywhere; font-size: .95em; }
mark.ms-hl { background: #ffe58a; color: #1f1f1f; padding: 0 .1em; border-radius: 2px; }
.ms-refused { margin-top: .6rem; padding: .4rem .6rem; border-radius: 6px; background: #fff4e5;
  border: 1px solid #f0b35b; color: #6b3d00; font-weight: 600; }
.ms-notice { padding: .5rem .7rem; border-radius: 6px; background: #fdecec; border: 1px solid #e59a9a;
  color: #6d1414; overflow-wrap: anywhere; }
.ms-notice.ms-ok { background: #eaf7ee; border-color: #8fcf9f; color: #12502a; }
.ms-notice.ms-input, .ms-notice.ms-index { background: #fff4e5; border-color: #f0b35b; color: #6b3d00; }
table.ms-table { border-collapse: collapse; margin: .5rem 0; font-size: .85em; display: block; overflow-x: auto; }
table.ms-table th, table.ms-table td { border: 1px solid var(--border-color-primary); padding: .2rem .4rem;
  vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: manual; min-width: 4.5rem; }
table.ms-table th { white-space: nowrap; }
#ms-activity-table .virtual-row, #ms-activity-table .header-table, #ms-activity-table table,
#ms-docs .virtual-row, #ms-docs .header-table, #ms-docs table { font-family: var(--font) !important; font-size: .9rem; }
.ms-count { font-weight: 600; margin: .3rem 0; }
/* whole words in the Aktiviteter and Källor tables: a header wraps between words, never inside one */
#ms-activity-table th, #ms-activity-table td, #ms-activity-table .cell-wrap, #ms-activity-table span,
#ms-docs th, #ms-docs td, #ms-docs .cell-wrap, #ms-docs span {
  word-break: normal !important; overflow-wrap: normal !important; hyphens: manual !important; }
/* no thumbs under a notice (an error or an empty question is nothing to rate) */
#ms-chat .message-row:has(.ms-notice) .message-buttons { display: none !important; }
#ms-input-note:empty { display: none; }
"""

# Loaded in the page's <head>: the chat keeps the start of a new answer in view (gradio's own
# autoscroll is off), and a citation marker [n] opens the cited passage in the answer's sources.
HEAD = r"""<script>
(() => {
  const scroller = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      const y = getComputedStyle(n).overflowY;
      if ((y === 'auto' || y === 'scroll') && n.scrollHeight > n.clientHeight) return n;
    }
    return null;
  };
  const toTop = (el) => {
    const box = scroller(el);
    if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  };
  let answers = 0;
  let following = false;  // a new answer is coming in: keep its start in view until it is final
  const follow = () => {  // the chat may be rendered anew: look it up on every change
    const chat = document.querySelector('#ms-chat');
    if (!chat) return;
    const rows = chat.querySelectorAll('.bot-row');
    if (rows.length > answers) following = true;
    answers = rows.length;
    if (!following || !rows.length) return;
    const last = rows[rows.length - 1];
    const questions = chat.querySelectorAll('.user-row');
    toTop(questions.length ? questions[questions.length - 1] : last);
    const shown = last.querySelector('.ms-answer') || last.querySelector('.ms-notice');
    if (shown && !last.querySelector('.ms-streaming')) setTimeout(() => { following = false; }, 300);
  };
  const watch = () => {
    if (!document.body) { setTimeout(watch, 100); return; }
    new MutationObserver(follow).observe(document.body, {childList: true, subtree: true, characterData: true});
  };
  const open = (ref) => {
    const answer = ref.closest('.ms-answer');
    const n = (ref.className.match(/ms-ref-(\d+)/) || [])[1];
    const item = answer && n && answer.querySelector('.ms-src-item.ms-n-' + n);
    if (!item) return;
    const box = item.closest('details');
    if (box) box.open = true;
    item.classList.add('ms-flash');
    setTimeout(() => item.classList.remove('ms-flash'), 1600);
    item.scrollIntoView({block: 'nearest'});
  };
  document.addEventListener('click', (ev) => {
    const ref = ev.target.closest ? ev.target.closest('a.ms-ref') : null;
    if (!ref) return;
    ev.preventDefault();
    ev.stopPropagation();
    open(ref);
  }, true);
  watch();
})();
</script>"""
