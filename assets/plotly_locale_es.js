/* Spanish (es-CO) locale for Plotly: registered before plotly.js loads through
   window.PlotlyLocales, selected by each Graph's config.locale = "es". */
(function () {
    var locale = {
        moduleType: "locale",
        name: "es",
        dictionary: {
            "Autoscale": "Autoescalar",
            "Box Select": "Seleccionar rectángulo",
            "Click to enter Colorscale title": "Pulse para escribir el título de la escala",
            "Click to enter Component A title": "Pulse para escribir el título del componente A",
            "Click to enter Plot title": "Pulse para escribir el título del gráfico",
            "Click to enter X axis title": "Pulse para escribir el título del eje X",
            "Click to enter Y axis title": "Pulse para escribir el título del eje Y",
            "Compare data on hover": "Comparar datos al pasar el cursor",
            "Double-click to zoom back out": "Doble clic para alejar",
            "Download plot": "Descargar gráfico",
            "Download plot as a png": "Descargar gráfico como PNG",
            "Download plot as a PNG": "Descargar gráfico como PNG",
            "Download plot as JSON": "Descargar gráfico como JSON",
            "Image download succeeded": "Imagen descargada",
            "JSON download succeeded": "JSON descargado",
            "Preparing image - this may take a few seconds": "Preparando la imagen…",
            "Sorry, there was a problem downloading your image!":
                "No se pudo descargar la imagen.",
            "Sorry, there was a problem downloading your JSON file!":
                "No se pudo descargar el archivo JSON.",
            "Share chart...": "Compartir gráfico…",
            "Lasso Select": "Seleccionar con lazo",
            "Orbital rotation": "Rotación orbital",
            "Pan": "Desplazar",
            "Produced with Plotly.js": "Hecho con Plotly.js",
            "Reset": "Restablecer",
            "Reset axes": "Restablecer ejes",
            "Reset camera to default": "Restablecer cámara",
            "Reset camera to last save": "Cámara a la última guardada",
            "Reset view": "Restablecer vista",
            "Reset views": "Restablecer vistas",
            "Show closest data on hover": "Mostrar el dato más cercano",
            "Snapshot succeeded": "Imagen descargada",
            "Sorry, there was a problem downloading your snapshot!":
                "No se pudo descargar la imagen.",
            "Taking snapshot - this may take a few seconds": "Preparando la imagen…",
            "Toggle Spike Lines": "Líneas guía",
            "Toggle show closest data on hover": "Mostrar/ocultar el dato más cercano",
            "Turntable rotation": "Rotación de plataforma",
            "Zoom": "Zoom",
            "Zoom in": "Acercar",
            "Zoom out": "Alejar",
            "close:": "cierre:",
            "high:": "alto:",
            "low:": "bajo:",
            "open:": "apertura:",
            "trace": "serie",
            "new text": "texto nuevo"
        },
        format: {
            days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
            shortDays: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
            months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                     "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            shortMonths: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep",
                          "oct", "nov", "dic"],
            date: "%d/%m/%Y",
            decimal: ",",
            thousands: "."
        }
    };
    window.PlotlyLocales = (window.PlotlyLocales || []).concat([locale]);
    if (window.Plotly && window.Plotly.register) {
        window.Plotly.register(locale);
    }
})();
