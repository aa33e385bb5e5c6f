"""Pages the gateway serves to browsers: the officers' web app (:mod:`gateway.web.app`)."""
