/* The coaching room (coaching/join.html): loads 8x8's JaaS script and opens the room in
   #jaas-room. A static file, not an inline script, so that the page's Content-Security-
   Policy needs no 'unsafe-inline' (clausier.core.csp; the view adds https://8x8.vc). */
(function () {
  "use strict";
  /* Loaded after the page: the room's script comes from JaaS and must not hold the page. */
  window.addEventListener("load", function () {
    var node = document.getElementById("jaas-room");
    if (!node) return;
    var script = document.createElement("script");
    script.src = "https://" + node.dataset.domain + "/" + node.dataset.room.split("/")[0] + "/external_api.js";
    script.onload = function () {
      new window.JitsiMeetExternalAPI(node.dataset.domain, {
        roomName: node.dataset.room,
        jwt: node.dataset.jwt,
        parentNode: node
      });
    };
    document.body.appendChild(script);
  });
})();
