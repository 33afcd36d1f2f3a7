// Download and share menus (<details>): close when clicking elsewhere or pressing Escape.
(function () {
    "use strict";
    function openMenus() {
        return Array.from(document.querySelectorAll("details.download-menu[open]"));
    }
    document.addEventListener("click", function (event) {
        openMenus().forEach(function (menu) {
            if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
        });
    });
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") { return; }
        openMenus().forEach(function (menu) {
            menu.removeAttribute("open");
            const summary = menu.querySelector("summary");
            if (summary && menu.contains(document.activeElement)) { summary.focus(); }
        });
    });
})();
