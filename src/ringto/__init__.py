"""ringto: an open-source platform for running a service-number telephone company."""

__version__ = "0.1.0"
