"""The web pages the gateway serves: the officers' app (:mod:`gateway.web.app`) and the public
pages (:mod:`gateway.web.public`)."""
