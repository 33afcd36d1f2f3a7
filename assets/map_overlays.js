/* Keeps the map's overlays (TransMilenio stations and corridors) above the
   locality polygons. Plotly may re-create a trace's MapLibre layers on a redraw,
   on top of the others; after every redraw this moves every trace layer that is
   not the polygons' ("plotly-trace-layer-localidades-*", see callbacks/map.py)
   back to the top. */
(function () {
    var POLYGONS = "plotly-trace-layer-localidades-";
    function raise(gd) {
        var sub = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        var map = sub && sub.map;
        var style = map && map.getStyle && map.getStyle();
        if (!style) { return; }
        style.layers.forEach(function (layer) {
            if (layer.id.indexOf("plotly-trace-layer-") === 0 && layer.id.indexOf(POLYGONS) !== 0) {
                map.moveLayer(layer.id);
            }
        });
    }
    function attach() {
        var gd = document.querySelector("#map-graph .js-plotly-plot");
        if (!gd || !gd.on) { setTimeout(attach, 300); return; }
        if (gd.btiOverlays) { return; }
        gd.btiOverlays = true;
        gd.on("plotly_afterplot", function () { setTimeout(function () { raise(gd); }, 0); });
        raise(gd);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", attach);
    } else {
        attach();
    }
})();
