/** The console's stylesheet (/console/app.css): small, system fonts, one column on a phone. */
export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9}
a{color:#0b57d0}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;padding:8px 16px;background:#1b1f24;color:#fff}
.top a{color:#fff;text-decoration:none;padding:6px 4px;display:inline-block}
.top a[aria-current=page]{border-bottom:2px solid #8ab4f8}
.top nav ul{display:flex;flex-wrap:wrap;gap:4px 12px;list-style:none;margin:0;padding:0}
.brand{font-weight:600}
.signout{margin-left:auto}
main{max-width:1100px;margin:0 auto;padding:16px;overflow-wrap:anywhere}
dt{font-weight:600}dd{margin:0 0 .5rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
section,.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 16px;margin:0 0 16px}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
legend{font-weight:600;padding:0 4px}
fieldset{border:1px solid #dde1e6;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem .75rem}
label.inline{display:inline-flex;gap:6px;align-items:center;font-weight:400;margin:.25rem 12px .25rem 0}
.hint{display:block;color:#4a525c;font-size:13px;margin-bottom:.2rem}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=search],input[type=datetime-local],input[type=time],select,textarea{display:block;width:100%;max-width:40rem;padding:6px 8px;border:1px solid #9aa3ad;border-radius:4px;background:#fff}
textarea{min-height:6rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px}
textarea.config{min-height:24rem}
button{padding:6px 14px;border-radius:4px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer;margin-top:.5rem}
button.secondary{background:#fff;color:#0b57d0}
button.danger{background:#b3261e;border-color:#b3261e}
:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}
.field-error,.error{color:#b3261e;font-weight:600}
.notice{color:#146c2e;font-weight:600}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
pre{white-space:pre-wrap;word-break:break-word;margin:0}
.diff .add{background:#e6f4ea;display:block}.diff .del{background:#fce8e6;display:block}
.funnel{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:8px;margin:0;padding:0}
.funnel div{background:#f1f3f4;border-radius:6px;padding:8px}.funnel dt{font-size:13px;color:#444}.funnel dd{margin:0;font-size:1.4rem;font-weight:600}
output{font-weight:600}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:700px){.grid2{grid-template-columns:1fr}main{padding:8px}.signout{margin-left:0}}
.chart{display:block;width:100%;height:auto;max-height:260px;margin:.25rem 0}
details summary{cursor:pointer;margin:.25rem 0}
`;
