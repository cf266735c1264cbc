/* gimark console: preview pass/fail beside each measured value as it is typed.
   Vendored, no framework. Only a preview: the server judges the values against the stored
   limits and stores its own result; nothing here is sent. Limits are inclusive, either may
   be open (data-min / data-max empty), as in app/inspection/limits.py. */
(function () {
  "use strict";
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

  function verdict(input, table) {
    var output = document.getElementById(input.id + "-preview");
    if (!output) { return; }
    var text = input.value.trim();
    output.classList.remove("verdict-pass", "verdict-fail");
    if (text === "") { output.textContent = "\u2014"; return; }
    if (!NUMBER.test(text)) { output.textContent = table.dataset.nan; return; }
    var value = parseFloat(text);
    var low = input.dataset.min, high = input.dataset.max;
    var passed = (low === "" || value >= parseFloat(low)) && (high === "" || value <= parseFloat(high));
    output.textContent = passed ? table.dataset.pass : table.dataset.fail;
    output.classList.add(passed ? "verdict-pass" : "verdict-fail");
    output.dataset.verdict = passed ? "pass" : "fail";
  }

  document.querySelectorAll("[data-inspection-preview]").forEach(function (table) {
    table.querySelectorAll("input[data-min]").forEach(function (input) {
      input.addEventListener("input", function () { verdict(input, table); });
      verdict(input, table);  // a refused form comes back with its values: preview them too
    });
  });
})();
