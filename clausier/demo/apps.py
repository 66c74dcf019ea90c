from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set (`clausier demo`): providers, clients, people, terms and
    subscriptions of both contracts. It spans every app, so it sits above them all."""

    name = "clausier.demo"
    label = "demo"
