// The dashboard's plotly.js: only the trace types the page draws (make plotly-bundle).
// lib/core = the plot API, the components (legend, colorbar, hover, modebar, shapes) and
// `scatter` (series). The Spanish locale is the project's assets/plotly_locale_es.js.
// A figure with another trace type draws nothing in the browser: add its module here
// (and to tests/app/test_plotly_bundle_browser.py's list) when a layer starts using one.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),        // status bars (layers/status_figure.py)
    require('plotly.js/lib/choropleth'), // the locality map on a geo subplot (layers/geo_map.py)
    require('plotly.js/lib/scattergeo')  // labels, stations and corridors (layers/choropleth.py)
]);

module.exports = Plotly;
