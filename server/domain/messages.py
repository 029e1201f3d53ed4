"""Every sentence an operator reads, in French and English, in one place.

Stations and web pages show ``text``; ``code`` stays stable for tests and sounds.
"""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "waiting_for_work": {"fr": "En attente de travail", "en": "Waiting for work"},
    "scan_item": {"fr": "Scannez l'article {name} ({remaining} restant)", "en": "Scan item {name} ({remaining} left)"},
    "go_to_bin": {"fr": "Allez à l'emplacement {bin}", "en": "Go to bin {bin}"},
    "item_ok": {"fr": "OK : {name}", "en": "OK: {name}"},
    "pick_done": {"fr": "Prélèvement terminé, bac vers l'emballage", "en": "Pick complete, send the tote to packing"},
    "pack_done": {"fr": "Colis vérifié : l'étiquette s'imprime", "en": "Parcel verified: label printing"},
    "wrong_item": {"fr": "Mauvais article : {code} n'est pas dans cette commande", "en": "Wrong item: {code} is not in this order"},
    "too_many": {"fr": "Déjà assez de {name} : reposez cet article", "en": "Enough {name} already: put this item back"},
    "not_an_item": {"fr": "Ce code n'est pas un article ({kind})", "en": "This code is not an item ({kind})"},
    "unreadable": {"fr": "Code illisible : {code}", "en": "Unreadable code: {code}"},
    "label_printed": {"fr": "Étiquette imprimée, colis expédié", "en": "Label printed, parcel shipped"},
    "label_failed": {"fr": "Imprimante : {error}. Corrigez puis réimprimez", "en": "Printer: {error}. Fix it, then reprint"},
    "scan_rma": {"fr": "Scannez l'étiquette retour du colis", "en": "Scan the parcel's return label"},
    "rma_found": {"fr": "Retour {rma} : commande {order}", "en": "Return {rma}: order {order}"},
    "rma_unknown": {"fr": "Retour inconnu : {code}", "en": "Unknown return: {code}"},
    "not_an_rma": {"fr": "Scannez une étiquette retour (RMA), pas {kind}", "en": "Scan a return label (RMA), not {kind}"},
    "no_task": {"fr": "Aucune tâche en cours", "en": "No task in progress"},
    "duplicate_scan": {"fr": "Scan déjà reçu", "en": "Scan already received"},
}


def text(key: str, locale: str = "fr", /, **params) -> str:
    entry = CATALOG[key]
    template = entry.get(locale) or entry["en"]
    return template.format(**params)
