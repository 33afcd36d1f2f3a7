/* Records whether Shift, Ctrl or Cmd was held when the map was clicked.
   Dash click events do not carry modifier keys; the map's clientside callback
   (callbacks/map.py) reads window.btiMapModifier.active. */
(function () {
    window.btiMapModifier = {active: false};
    function record(event) {
        var target = event.target;
        if (target && target.closest && target.closest("#map-graph")) {
            window.btiMapModifier.active = Boolean(event.shiftKey || event.ctrlKey || event.metaKey);
        }
    }
    document.addEventListener("pointerdown", record, true);
    document.addEventListener("mousedown", record, true);
})();
