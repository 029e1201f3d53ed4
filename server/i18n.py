"""Web page words in French and English. The locale comes from ?lang=, the user, then the browser."""
from __future__ import annotations

from flask import request, session
from flask_login import current_user

LOCALES = ("fr", "en")

WORDS: dict[str, dict[str, str]] = {
    "sign_in": {"fr": "Connexion", "en": "Sign in"},
    "username": {"fr": "Identifiant", "en": "Username"},
    "password": {"fr": "Mot de passe", "en": "Password"},
    "sign_out": {"fr": "Déconnexion", "en": "Sign out"},
    "bad_login": {"fr": "Identifiant ou mot de passe incorrect", "en": "Wrong username or password"},
    "not_allowed": {"fr": "Accès réservé aux superviseurs", "en": "Supervisors only"},
    "dashboard": {"fr": "Tableau de bord", "en": "Dashboard"},
    "backlog": {"fr": "Commandes en cours", "en": "Backlog"},
    "late": {"fr": "En retard", "en": "Late"},
    "shipped": {"fr": "Expédiées", "en": "Shipped"},
    "pick_open": {"fr": "Prélèvements en attente", "en": "Picks waiting"},
    "pack_open": {"fr": "Emballages en attente", "en": "Packs waiting"},
    "stations": {"fr": "Postes", "en": "Stations"},
    "printer": {"fr": "Imprimante", "en": "Printer"},
    "online": {"fr": "en ligne", "en": "online"},
    "offline": {"fr": "hors ligne", "en": "offline"},
    "live_feed": {"fr": "En direct", "en": "Live"},
    "return_reasons": {"fr": "Motifs de retour", "en": "Return reasons"},
    "parcels_1h": {"fr": "Colis / dernière heure", "en": "Parcels / last hour"},
    "scans_15m": {"fr": "Scans / 15 min", "en": "Scans / 15 min"},
    "exceptions_15m": {"fr": "Anomalies / 15 min", "en": "Exceptions / 15 min"},
    "connection_lost": {"fr": "Connexion perdue, reconnexion…", "en": "Connection lost, reconnecting…"},
}


def current_locale() -> str:
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LOCALES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "fr"


def t(key: str) -> str:
    return WORDS[key].get(current_locale(), WORDS[key]["en"])
