// kam's small page behaviours. Loaded as a file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var box = document.querySelector(".messages");
    if (!box) {
      box = document.createElement("ul");
      box.className = "messages";
      box.setAttribute("role", "status");
      document.querySelector("main").prepend(box);
    }
    var item = document.createElement("li");
    item.className = "message error";
    item.textContent = (document.documentElement.lang === "zh-hans" ? "请求失败：" : "The request failed: ") + status;
    box.appendChild(item);
  });
})();
// Forms that destroy something ask first: <form data-confirm="Remove …?">.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
