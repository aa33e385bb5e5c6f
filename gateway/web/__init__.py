"""The web pages the gateway serves: the officers' app and the public pages."""
