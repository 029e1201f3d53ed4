"""The picking floor's sentences (issue 6: bin first, lots, packs, typed quantities, short picks),
in French and English: merged into wire/texts.py."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    # --- operator messages (server → pick station) ------------------------------------------
    "bin_ok": {"fr": "Emplacement {bin} : scannez l'article", "en": "Bin {bin}: scan the item"},
    "scan_bin_first": {"fr": "Scannez d'abord l'étiquette de l'emplacement {bin}, puis {name}",
                       "en": "Scan the label of bin {bin} first, then {name}"},
    "units_ok": {"fr": "OK : {units} × {name}", "en": "OK: {units} × {name}"},
    "lot_expired": {"fr": "Lot {lot} périmé ou trop court (date limite {expiry}) : ne prélevez pas ce {name}, "
                          "mettez-le de côté et prévenez le superviseur",
                    "en": "Lot {lot} expired or too close to its date ({expiry}): do not pick this {name}, "
                          "set it aside and tell your supervisor"},
    "pack_too_big": {"fr": "{units} × {name}, c'est trop : il n'en reste que {remaining} à prélever",
                     "en": "{units} × {name} is too many: only {remaining} still due"},
    "pick_bad_quantity": {"fr": "Quantité refusée : un nombre de 1 à {remaining} pour {name}",
                          "en": "Quantity refused: a number from 1 to {remaining} for {name}"},
    "scan_one_first": {"fr": "Scannez d'abord un {name}, puis saisissez combien vous en prenez en plus",
                       "en": "Scan one {name} first, then type how many more you take"},
    "serial_scan_each": {"fr": "{name} a un numéro de série : scannez chaque unité",
                         "en": "{name} has serial numbers: scan each unit"},
    "short_refused": {"fr": "Manquant refusé : choisissez un article encore à prélever et un motif ({reasons})",
                      "en": "Short refused: choose an item still due and a reason ({reasons})"},
    "short_reallocated": {"fr": "Manquant enregistré en {bin} : allez à l'emplacement affiché pour le reste",
                          "en": "Short recorded at {bin}: go to the bin shown for the rest"},
    "short_held": {"fr": "Manquant enregistré en {bin} : commande {order} bloquée. Prélevez le reste, "
                         "puis le bac au superviseur",
                   "en": "Short recorded at {bin}: order {order} held. Pick the rest, "
                         "then take the tote to your supervisor"},
    "pick_done_short": {"fr": "Prélèvement terminé : le bac de {order} va au superviseur (commande incomplète)",
                        "en": "Pick done: take the tote of {order} to your supervisor (order incomplete)"},
    # --- the dashboard's live feed (server/feed.py) -----------------------------------------
    "feed.short_pick": {"fr": "{station} : {missing} × {sku} manquant(s) en {bin} pour {order}",
                        "en": "{station}: {missing} × {sku} missing in {bin} for {order}"},
    # --- kiosk words ------------------------------------------------------------------------
    "kiosk.action.quantity": {"fr": "Quantité", "en": "Quantity"},
    "kiosk.action.short": {"fr": "Manquant", "en": "Short"},
    "kiosk.short.empty": {"fr": "emplacement vide", "en": "bin empty"},
    "kiosk.short.short": {"fr": "pas assez", "en": "not enough"},
    "kiosk.short.damaged": {"fr": "abîmé", "en": "damaged"},
    "kiosk.scan_bin": {"fr": "Scannez l'emplacement", "en": "Scan the bin"},
    "kiosk.lot": {"fr": "Lot", "en": "Lot"},
}
