"""The console's only style sheet and script, sent inline with every page (no external assets,
works offline). The script only adds keyboard use and selection: every action is a plain form
POST that works without it."""

CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","Microsoft YaHei",
"PingFang SC",sans-serif;color:#1f2328;background:#f6f8fa}
a{color:#0969da}
header.top{background:#24292f;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header.top a{color:#fff}
header.top .who{margin-left:auto;font-size:13px;opacity:.85}
main{padding:16px 20px}
h1{font-size:20px;margin:0}
h2{font-size:16px;margin:16px 0 8px}
.warn{background:#fff4e5;border:1px solid #f0b45a;padding:8px 12px;border-radius:6px;margin:0 0 12px}
.msg{background:#ddf4ff;border:1px solid #54aeff;padding:8px 12px;border-radius:6px;margin:0 0 12px}
.msg.bad{background:#ffebe9;border-color:#ff8182}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 16px}
.count{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:6px 14px;text-decoration:none;color:inherit}
.count b{font-size:20px;margin-right:6px}
.count.on{border-color:#0969da;box-shadow:0 0 0 2px #b6e3ff}
table.queue{border-collapse:collapse;width:100%;background:#fff}
table.queue th,table.queue td{border:1px solid #d0d7de;padding:6px 10px;text-align:left;word-break:break-all}
table.queue th{background:#f6f8fa}
.badge{border-radius:12px;padding:1px 9px;font-size:12px;color:#fff;white-space:nowrap;display:inline-block}
.b-blocked{background:#6e4c00}.b-unreviewed{background:#9a6700}.b-ready{background:#8250df}
.b-approved{background:#1a7f37}.b-not_pii{background:#57606a}.b-confirmed{background:#cf222e}
.b-clean{background:#1a7f37}
.blocked-box{background:#fff8c5;border-left:4px solid #9a6700;padding:10px 14px;margin:10px 0}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 400px;gap:16px;align-items:start}
.doc{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:10px}
.colhead{font-weight:600;background:#f6f8fa;padding:4px 8px;border-radius:4px;position:sticky;top:0;z-index:2}
.place{display:contents}
.place .where{grid-column:1/3;color:#57606a;font-size:12px;margin-top:6px;border-top:1px dashed #d0d7de}
.txt{white-space:pre-wrap;word-break:break-all;font-family:"Noto Sans Mono CJK SC","WenQuanYi Zen Hei Mono",monospace}
mark{background:#ffd8d3;color:#82071e;font-weight:700;border-radius:3px;cursor:pointer;padding:0 1px}
mark.s-not_pii{background:#eaeef2;color:#57606a}
mark.s-confirmed{background:#ff8182;color:#fff}
mark.sel,.box.sel{outline:3px solid #0969da}
.masked .txt{background:#f6fff8}
.page{position:relative;border:1px solid #d0d7de;margin-bottom:10px;background:#fff}
.page img{width:100%;display:block}
.box{position:absolute;border:2px solid #cf222e;background:rgba(255,129,130,.18);cursor:pointer}
.box.s-not_pii{border-color:#8c959f;background:rgba(140,149,159,.15)}
.box.s-confirmed{border-color:#82071e;background:rgba(207,34,46,.35)}
.panel{position:sticky;top:8px;max-height:calc(100vh - 16px);overflow:auto}
.approve{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin-bottom:10px}
button{font:inherit;border-radius:6px;border:1px solid #d0d7de;background:#f6f8fa;padding:4px 10px;cursor:pointer}
button.primary{background:#1f883d;color:#fff;border-color:#1a7f37;font-size:16px;padding:6px 18px}
button.yes{background:#cf222e;color:#fff;border-color:#a40e26}
button.no{background:#fff}
button:disabled{opacity:.45;cursor:not-allowed}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;margin-bottom:8px}
.card.sel{border-color:#0969da;box-shadow:0 0 0 2px #b6e3ff}
.card .val{font-size:16px;font-weight:700;color:#82071e;word-break:break-all}
.card .meta,.meta{color:#57606a;font-size:12px;word-break:break-all}
.card form{display:inline-flex;gap:6px;margin:4px 6px 0 0;flex-wrap:wrap;align-items:center}
.card select,.card input[type=text]{font:inherit;padding:2px 4px;max-width:100%}
.low{opacity:.9}
.low .val{color:#57606a}
.keys{color:#57606a;font-size:12px}
kbd{border:1px solid #d0d7de;border-bottom-width:2px;border-radius:4px;padding:0 4px;font-size:11px;background:#fff;color:#1f2328}
form.login{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px;max-width:420px}
form.login input{font:inherit;width:100%;padding:6px;margin:6px 0 12px}
@media (max-width:1100px){.layout{grid-template-columns:1fr}.panel{position:static;max-height:none}}
"""

# Keyboard: j / k (or arrow keys) move between findings, y confirms the selected one as personal
# data, n moves to its "not personal data" reason; clicking a highlight or a box selects it.
JS = """
(function(){
var cards=[].slice.call(document.querySelectorAll('.card[data-f]'));
var cur=-1;
function marks(id){return document.querySelectorAll('[data-f="'+id+'"]:not(.card)');}
function select(i,scroll){
  if(i<0||i>=cards.length)return;
  if(cur>=0){cards[cur].classList.remove('sel');[].forEach.call(marks(cards[cur].dataset.f),function(m){m.classList.remove('sel');});}
  cur=i;var c=cards[i];c.classList.add('sel');
  var ms=marks(c.dataset.f);[].forEach.call(ms,function(m){m.classList.add('sel');});
  if(scroll){c.scrollIntoView({block:'nearest'});if(ms.length)ms[0].scrollIntoView({block:'center'});}
}
cards.forEach(function(c,i){c.addEventListener('click',function(){select(i,false);});});
[].forEach.call(document.querySelectorAll('mark[data-f],.box[data-f]'),function(m){
  m.addEventListener('click',function(){for(var i=0;i<cards.length;i++){if(cards[i].dataset.f===m.dataset.f){select(i,true);break;}}});
});
var want=location.hash.replace('#f-','');var start=0;
for(var i=0;i<cards.length;i++){if(cards[i].dataset.f===want){start=i;break;}}
if(!want){for(var j=0;j<cards.length;j++){if(cards[j].dataset.state==='unreviewed'){start=j;break;}}}
if(cards.length)select(start,true);
document.addEventListener('keydown',function(e){
  var t=e.target.tagName;if(t==='INPUT'||t==='SELECT'||t==='TEXTAREA'||e.ctrlKey||e.metaKey||e.altKey)return;
  if(e.key==='j'||e.key==='ArrowDown'){select(cur+1,true);e.preventDefault();}
  else if(e.key==='k'||e.key==='ArrowUp'){select(cur-1,true);e.preventDefault();}
  else if((e.key==='y'||e.key==='Y')&&cur>=0){var b=cards[cur].querySelector('button.yes');if(b){b.click();e.preventDefault();}}
  else if((e.key==='n'||e.key==='N')&&cur>=0){var s=cards[cur].querySelector('select[name=reason]');if(s){s.focus();e.preventDefault();}}
});
[].forEach.call(document.querySelectorAll('select[name=reason]'),function(s){
  s.addEventListener('change',function(){var o=s.form.querySelector('input[name=other]');if(o)o.style.display=s.value==='其他'?'':'none';});
  s.addEventListener('keydown',function(e){
    if(e.key!=='Enter'||!s.value)return;e.preventDefault();
    if(s.value==='其他'){var o=s.form.querySelector('input[name=other]');o.style.display='';o.focus();}
    else if(s.form.requestSubmit){s.form.requestSubmit();}else{s.form.submit();}
  });
});
})();
"""
