"""CSS of the web app (kept out of app.py)."""

CSS = """
.ms-header h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
.ms-header p { margin: 0 0 .6rem 0; }
.ms-question { white-space: normal; overflow-wrap: anywhere; }
.ms-answer .ms-text { overflow-wrap: anywhere; }
.ms-ref { font-size: .75em; color: var(--color-accent); }
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
  vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: auto; min-width: 4.5rem; }
#ms-activity-table .virtual-row, #ms-activity-table .header-table, #ms-activity-table table,
#ms-docs .virtual-row, #ms-docs .header-table, #ms-docs table { font-family: var(--font) !important; font-size: .9rem; }
.ms-count { font-weight: 600; margin: .3rem 0; }
"""
