/* Accessibility of third-party controls the Python side cannot reach (issue 13).

   Dash 4 renders some attributes no prop controls. One MutationObserver keeps them right
   whenever React (re)renders a control; every fix is idempotent (it writes only what
   differs), so the observer never feeds itself.

   - dcc.Dropdown: the trigger <button> (the control: aria-haspopup="listbox", the
     dropdown's id) becomes the Tab stop; the focus proxy before it, an <input
     aria-hidden="true" tabindex="0"> that forwards focus to the button (a Safari
     work-around of Dash), leaves the Tab order, so no hidden element is focusable
     (axe aria-hidden-focus). The button's name starts with its visible <label for=id>,
     then the value Dash already names it by ("Eje, Todos los ejes"); its open list of
     options gets the same label. Enter, Space and ArrowDown open it (Space: see below);
     Safari users reach it with Option+Tab, like every other button of the page.
   - dcc.Slider (radix): the thumb (role="slider") is named by the <label for=id> of the
     slider (axe aria-input-field-name); with data-future-from on an ancestor, years from
     that one on read "2027, futuro: solo metas" (aria-valuetext).
   - dcc.Upload: the hidden <input type="file"> (the keyboard's way in: Enter or Space
     opens the file chooser) is named by the <label for=id> of the upload.
   - Tabs (role="tablist", callbacks/table.py): arrow keys, Home and End move between the
     tabs and select the one reached (a click: the tabs' callback does the rest).
*/
(function () {
    "use strict";

    function setAttr(el, name, value) {
        if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
    }

    /** The id of the <label for="forId">, given one when it has none. */
    function labelId(forId) {
        if (!forId) { return null; }
        const label = document.querySelector('label[for="' + CSS.escape(forId) + '"]');
        if (!label) { return null; }
        if (!label.id) { label.id = forId + "-label"; }
        return label.id;
    }

    function fixDropdowns(root) {
        root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
            const proxy = wrapper.querySelector(":scope > .dash-dropdown-focus-target");
            const button = wrapper.querySelector(":scope > button.dash-dropdown");
            if (!button) { return; }
            if (proxy) { setAttr(proxy, "tabindex", "-1"); }
            setAttr(button, "tabindex", button.disabled ? "-1" : "0");
            const label = labelId(button.id);
            if (label) {
                setAttr(button, "aria-labelledby",
                        label + " " + button.id + "-value-count " + button.id + "-value");
            }
            // open: its list of options is named by the same label
            const popup = button.getAttribute("aria-controls");
            const content = popup && document.getElementById(popup);
            const list = content && content.querySelector('[role="listbox"]');
            if (list && label) { setAttr(list, "aria-labelledby", label); }
        });
    }

    function fixSliders(root) {
        root.querySelectorAll(".dash-slider-container[id]").forEach(function (slider) {
            const label = labelId(slider.id);
            const futureHost = slider.closest("[data-future-from]");
            const futureFrom = futureHost ? Number(futureHost.dataset.futureFrom) : NaN;
            slider.querySelectorAll('[role="slider"]').forEach(function (thumb) {
                if (label) { setAttr(thumb, "aria-labelledby", label); }
                const value = thumb.getAttribute("aria-valuenow");
                if (value !== null && !Number.isNaN(futureFrom)) {
                    setAttr(thumb, "aria-valuetext", Number(value) >= futureFrom
                        ? value + ", futuro: solo metas" : value);
                }
            });
        });
    }

    function fixUploads(root) {
        root.querySelectorAll('input[type="file"]').forEach(function (input) {
            const host = input.closest("[id]");
            const label = host && labelId(host.id);
            if (label) { setAttr(input, "aria-labelledby", label); }
        });
    }

    function fixAll() {
        fixDropdowns(document);
        fixSliders(document);
        fixUploads(document);
    }

    let scheduled = false;
    function schedule() {
        if (scheduled) { return; }
        scheduled = true;
        queueMicrotask(function () { scheduled = false; fixAll(); });
    }

    function start() {
        fixAll();
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            // tabindex: Dash's dropdown gives its proxy tabindex 0 back on every blur;
            // aria-valuenow: the slider moved
            attributeFilter: ["tabindex", "aria-valuenow", "aria-labelledby", "aria-controls",
                              "id"],
        });
    }

    // Dropdowns: Space opens them like Enter. A searchable Dash dropdown takes the Space's
    // key-up as typed search text and opens, then the button's own click (Space's default
    // action) toggles it shut again; the key-up stops here, the click opens it once.
    document.addEventListener("keyup", function (event) {
        if (event.key === " " && event.target.matches &&
                event.target.matches("button.dash-dropdown")) {
            event.stopPropagation();
        }
    }, true);

    // Tabs: roving focus with the arrow keys (WAI-ARIA tabs pattern, automatic activation).
    const KEYS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    document.addEventListener("keydown", function (event) {
        const tab = event.target.closest && event.target.closest('[role="tab"]');
        const list = tab && tab.closest('[role="tablist"]');
        if (!list || event.altKey || event.ctrlKey || event.metaKey) { return; }
        const tabs = Array.from(list.querySelectorAll('[role="tab"]:not([disabled])'));
        const at = tabs.indexOf(tab);
        let next = null;
        if (event.key in KEYS) {
            next = tabs[(at + KEYS[event.key] + tabs.length) % tabs.length];
        } else if (event.key === "Home") {
            next = tabs[0];
        } else if (event.key === "End") {
            next = tabs[tabs.length - 1];
        }
        if (!next) { return; }
        event.preventDefault();
        next.focus();
        if (next.getAttribute("aria-selected") !== "true") { next.click(); }
    });

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
