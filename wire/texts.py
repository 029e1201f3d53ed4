"""Every sentence a person reads, in French and English, in one catalog.

Keys without a dot are operator message codes (``message.code`` on a screen: stable for tests
and sounds). ``state.*`` titles every screen state, ``kiosk.*`` are the kiosk page's own words,
``web.*`` the supervisors' pages. The server renders operator messages in the station's
language; pages embed the section they need (``section("kiosk", "fr")``).
"""
from __future__ import annotations

from string import Formatter

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"

CATALOG: dict[str, dict[str, str]] = {
    # --- operator messages (server → station screens) ---------------------------------
    "waiting_for_work": {"fr": "En attente de travail", "en": "Waiting for work"},
    "item_ok": {"fr": "OK : {name}", "en": "OK: {name}"},
    "pick_done": {"fr": "Prélèvement terminé, bac vers l'emballage", "en": "Pick complete, send the tote to packing"},
    "pack_done": {"fr": "Colis vérifié : l'étiquette s'imprime", "en": "Parcel verified: label printing"},
    "wrong_item": {"fr": "Mauvais article : {code} n'est pas dans cette commande",
                   "en": "Wrong item: {code} is not in this order"},
    "too_many": {"fr": "Déjà assez de {name} : reposez cet article", "en": "Enough {name} already: put this item back"},
    "not_an_item": {"fr": "Ce code n'est pas un article ({kind})", "en": "This code is not an item ({kind})"},
    "unreadable": {"fr": "Code illisible : {code}", "en": "Unreadable code: {code}"},
    "label_printed": {"fr": "Étiquette imprimée, colis expédié", "en": "Label printed, parcel shipped"},
    "label_failed": {"fr": "Imprimante : {error}. Corrigez puis réimprimez", "en": "Printer: {error}. Fix it, then reprint"},
    "label_pending": {"fr": "Terminez d'abord l'étiquette en cours (réimprimer)",
                      "en": "Finish the current label first (reprint)"},
    "scan_rma": {"fr": "Scannez l'étiquette retour du colis", "en": "Scan the parcel's return label"},
    "rma_found": {"fr": "Retour {rma} : commande {order}", "en": "Return {rma}: order {order}"},
    "rma_already_received": {"fr": "Retour {rma} déjà reçu le {when} par {who}",
                             "en": "Return {rma} already received on {when} by {who}"},
    "rma_unknown": {"fr": "Retour inconnu : {code}", "en": "Unknown return: {code}"},
    "not_an_rma": {"fr": "Scannez une étiquette retour (RMA), pas {kind}", "en": "Scan a return label (RMA), not {kind}"},
    "return_item_ok": {"fr": "Reçu : {name} ({seen}/{quantity})", "en": "Received: {name} ({seen}/{quantity})"},
    "not_on_rma": {"fr": "{code} n'est pas sur ce retour", "en": "{code} is not on this return"},
    "return_too_many": {"fr": "{name} : déjà {quantity} reçu(s) sur ce retour",
                        "en": "{name}: {quantity} already received on this return"},
    "inspection_done": {"fr": "Retour {rma} traité : colis suivant", "en": "Return {rma} done: next parcel"},
    "not_a_bin": {"fr": "Scannez l'étiquette de l'emplacement, pas {kind}", "en": "Scan the bin's label, not {kind}"},
    "wrong_bin": {"fr": "Mauvais emplacement : {code}. Allez en {bin}", "en": "Wrong bin: {code}. Go to {bin}"},
    "count_bin_ok": {"fr": "Emplacement {bin} : scannez chaque article trouvé",
                     "en": "Bin {bin}: scan each item you find"},
    "count_item_ok": {"fr": "{name} : {counted} compté(s)", "en": "{name}: {counted} counted"},
    "not_expected_in_bin": {"fr": "{code} n'est pas attendu en {bin} : mettez-le de côté, prévenez le superviseur",
                            "en": "{code} is not expected in {bin}: set it aside, tell your supervisor"},
    "count_bad_quantity": {"fr": "Quantité refusée : un nombre entier de 0 à {max}, pour un article de la liste",
                           "en": "Quantity refused: a whole number from 0 to {max}, for an item on the list"},
    "count_done": {"fr": "Inventaire de {bin} terminé : {differences} écart(s)",
                   "en": "Count of {bin} done: {differences} difference(s)"},
    "scan_tote_for": {"fr": "Scannez un bac pour la commande {slot} ({order})",
                      "en": "Scan a tote for order {slot} ({order})"},
    "scan_a_tote": {"fr": "Scannez un bac (TOTE-…), pas {kind}", "en": "Scan a tote (TOTE-…), not {kind}"},
    "tote_in_use": {"fr": "Le bac {tote} est déjà sur ce chariot", "en": "Tote {tote} is already on this cart"},
    "tote_bound": {"fr": "Bac {slot} : {tote}. Scannez un bac pour la commande {next} ({order})",
                   "en": "Tote {slot}: {tote}. Scan a tote for order {next} ({order})"},
    "totes_ready": {"fr": "{n} bacs prêts : en route", "en": "{n} totes ready: off you go"},
    "put_in_tote": {"fr": "{name} : mettez-le dans le bac {slot} ({tote}) et scannez le bac",
                    "en": "{name}: put it in tote {slot} ({tote}) and scan the tote"},
    "put_first": {"fr": "Mettez d'abord l'article dans le bac {slot} ({tote})",
                  "en": "Put the item in tote {slot} ({tote}) first"},
    "wrong_tote": {"fr": "Mauvais bac : {tote}. Cet article va dans le bac {slot} ({right})",
                   "en": "Wrong tote: {tote}. This item goes in tote {slot} ({right})"},
    "put_ok": {"fr": "Bac {slot} : OK", "en": "Tote {slot}: OK"},
    "batch_done": {"fr": "Lot terminé : {n} bacs vers l'emballage", "en": "Batch done: {n} totes to packing"},
    "not_in_batch": {"fr": "Mauvais article : {code} n'est dans aucune commande du chariot",
                     "en": "Wrong item: {code} is in no order on this cart"},
    "no_task": {"fr": "Aucune tâche en cours", "en": "No task in progress"},
    "task_lost": {"fr": "Cette tâche n'est plus la vôtre : demandez au superviseur",
                  "en": "This task is no longer yours: ask your supervisor"},
    "not_expected_here": {"fr": "Pas attendu ici ({what})", "en": "Not expected here ({what})"},
    "duplicate_scan": {"fr": "Scan déjà reçu", "en": "Scan already received"},
    "scan_failed": {"fr": "Scan refusé : erreur du serveur (réf. {ref}). Continuez, le superviseur est prévenu",
                    "en": "Scan refused: server error (ref. {ref}). Carry on, your supervisor is told"},
    "request_failed": {"fr": "Erreur du serveur (réf. {ref}), réessayez", "en": "Server error (ref. {ref}), try again"},
    # --- station-side messages (the station's own, in its language) --------------------
    "scan_incomplete": {"fr": "Lecture incomplète, rescannez", "en": "Incomplete read, scan again"},
    "scan_dead_lettered": {"fr": "Scan mis de côté ({code}) : {reason}. Le superviseur est prévenu",
                           "en": "Scan set aside ({code}): {reason}. Your supervisor is told"},
    "scan_too_long": {"fr": "Code trop long (plus de {max} caractères)", "en": "Code too long (over {max} characters)"},
    "scan_no_answer": {"fr": "le serveur n'a pas répondu à ce scan", "en": "the server did not answer this scan"},
    "action_not_sent": {"fr": "Pas envoyé : des scans attendent encore le serveur, réessayez",
                        "en": "Not sent: scans are still waiting for the server, try again"},
    # --- screen state titles (the kiosk's big heading) ---------------------------------
    "state.idle": {"fr": "En attente de travail", "en": "Waiting for work"},
    "state.pick": {"fr": "Scannez l'article", "en": "Scan the item"},
    "state.pack": {"fr": "Scannez chaque article du colis", "en": "Scan each item of the parcel"},
    "state.print_label": {"fr": "Impression de l'étiquette", "en": "Printing the label"},
    "state.bind_totes": {"fr": "Un bac par commande : scannez les bacs du chariot",
                         "en": "One tote per order: scan the cart's totes"},
    "state.batch_pick": {"fr": "Allez à l'emplacement, scannez l'article", "en": "Go to the bin, scan the item"},
    "state.put_tote": {"fr": "Mettez l'article dans le bac indiqué, scannez le bac",
                       "en": "Put the item in the tote shown, scan the tote"},
    "state.return_scan": {"fr": "Scannez l'étiquette retour", "en": "Scan the return label"},
    "state.return_inspect": {"fr": "Contrôle du retour : scannez chaque article",
                             "en": "Inspect the return: scan each item"},
    "state.count_bin": {"fr": "Inventaire : allez à l'emplacement, scannez son étiquette",
                        "en": "Count: go to the bin, scan its label"},
    "state.count": {"fr": "Inventaire : scannez chaque article trouvé, puis Terminé",
                    "en": "Count: scan each item you find, then Done"},
    "state.offline": {"fr": "Hors ligne — {n} scans en attente", "en": "Offline — {n} scans waiting"},
    # --- kiosk page words ------------------------------------------------------------------
    "kiosk.title": {"fr": "Poste", "en": "Station"},
    "kiosk.bin": {"fr": "Emplacement", "en": "Bin"},
    "kiosk.tote": {"fr": "Bac", "en": "Tote"},
    "kiosk.put_in": {"fr": "Dans le bac", "en": "Into tote"},
    "kiosk.quantity": {"fr": "Quantité", "en": "Quantity"},
    "kiosk.item": {"fr": "Article", "en": "Item"},
    "kiosk.progress": {"fr": "Progression", "en": "Progress"},
    "kiosk.order": {"fr": "Commande", "en": "Order"},
    "kiosk.reprint": {"fr": "Réimprimer", "en": "Reprint"},
    "kiosk.rma": {"fr": "Retour", "en": "Return"},
    "kiosk.customer": {"fr": "Client", "en": "Customer"},
    "kiosk.refund": {"fr": "Remboursement", "en": "Refund"},
    "kiosk.items": {"fr": "Articles", "en": "Items"},
    "kiosk.received": {"fr": "Reçus", "en": "Received"},
    "kiosk.reason": {"fr": "Motif", "en": "Reason"},
    "kiosk.unit_price": {"fr": "Prix unitaire", "en": "Unit price"},
    "kiosk.reason.changed_mind": {"fr": "changement d'avis", "en": "changed mind"},
    "kiosk.reason.wrong_size": {"fr": "mauvaise taille", "en": "wrong size"},
    "kiosk.reason.damaged": {"fr": "endommagé", "en": "damaged"},
    "kiosk.reason.not_as_described": {"fr": "non conforme", "en": "not as described"},
    "kiosk.reason.late": {"fr": "livré en retard", "en": "delivered late"},
    "kiosk.reason.other": {"fr": "autre", "en": "other"},
    "kiosk.reason.returned_to_sender": {"fr": "retourné par le transporteur", "en": "returned by the carrier"},
    "kiosk.connecting": {"fr": "Connexion au serveur…", "en": "Connecting to the server…"},
    "kiosk.scan_input": {"fr": "Code (saisie manuelle)", "en": "Code (typed)"},
    "kiosk.send": {"fr": "Envoyer", "en": "Send"},
    "kiosk.printer": {"fr": "Imprimante", "en": "Printer"},
    "kiosk.printer_ok": {"fr": "prête", "en": "ready"},
    "kiosk.scanner": {"fr": "Lecteur", "en": "Scanner"},
    "kiosk.scanner_ok": {"fr": "branché ({port})", "en": "connected ({port})"},
    "kiosk.scanner_disconnected": {"fr": "débranché ({port}), reconnexion…", "en": "disconnected ({port}), reconnecting…"},
    "kiosk.scanner_not_found": {"fr": "aucun lecteur trouvé, recherche…", "en": "no scanner found, looking…"},
    "kiosk.dead_letters": {"fr": "{n} scan(s) mis de côté", "en": "{n} scan(s) set aside"},
    "kiosk.action.done": {"fr": "Terminé", "en": "Done"},
    "kiosk.action.reprint": {"fr": "Réimprimer", "en": "Reprint"},
    "kiosk.label_picture": {"fr": "Étiquette telle qu'elle s'imprime", "en": "The label as it prints"},
    "kiosk.action.backup_printer": {"fr": "F8 : imprimer sur la secours", "en": "F8: print on the backup"},
    "kiosk.action.count": {"fr": "Saisir", "en": "Enter"},
    "kiosk.expected": {"fr": "Attendu", "en": "Expected"},
    "kiosk.counted": {"fr": "Compté", "en": "Counted"},
    # --- printer conditions (kiosk and dashboard) --------------------------------------------
    "printer.paper_out": {"fr": "plus de papier", "en": "out of paper"},
    "printer.head_open": {"fr": "tête ouverte", "en": "head open"},
    "printer.ribbon_out": {"fr": "plus de ruban", "en": "ribbon out"},
    "printer.paused": {"fr": "en pause", "en": "paused"},
    "printer.buffer_full": {"fr": "mémoire pleine", "en": "buffer full"},
    "printer.offline": {"fr": "ne répond pas", "en": "not answering"},
    "printer.printer_offline": {"fr": "ne répond pas", "en": "not answering"},
    "printer.printer_error": {"fr": "erreur d'envoi", "en": "send error"},
    "printer.not_ready": {"fr": "pas prête", "en": "not ready"},
    "printer.printer_fault": {"fr": "en défaut", "en": "faulted"},
    "printer.ready": {"fr": "prête", "en": "ready"},
    # --- the dashboard's feed: the fleet's events (server/feed.py reads feed.<event type>) -------
    "feed.label_reprinted": {"fr": "{actor} : étiquette de {order} réimprimée sur {printer}",
                             "en": "{actor}: label of {order} reprinted on {printer}"},
    "feed.return_label_queued": {"fr": "Étiquette retour {rma} en file pour {printer}",
                                 "en": "Return label {rma} queued for {printer}"},
    "feed.print_job_printed": {"fr": "Étiquette imprimée sur {printer}", "en": "Label printed on {printer}"},
    "feed.print_job_sent": {"fr": "Étiquette envoyée à {printer}", "en": "Label sent to {printer}"},
    "feed.print_job_failed_over": {"fr": "{printer} : {error} ; étiquette envoyée à la secours {backup}",
                                   "en": "{printer}: {error}; label sent to the backup {backup}"},
    "feed.print_job_refused": {"fr": "Étiquette non imprimée, {printer} : {error} ; nouvel essai dans {retry_in} s",
                               "en": "Label not printed, {printer}: {error}; trying again in {retry_in} s"},
    "feed.print_job_to_backup": {"fr": "Poste {station} : {error} ; l'opérateur envoie l'étiquette à la secours {printer}",
                                 "en": "Station {station}: {error}; the operator sends the label to the backup {printer}"},
    "feed.printer_changed": {"fr": "Imprimante {printer} : {error}", "en": "Printer {printer}: {error}"},
    "feed.printer_assigned": {"fr": "{actor} : {printer} imprime pour {station} (secours : {backup})",
                              "en": "{actor}: {printer} prints for {station} (backup: {backup})"},
    "feed.printer_added": {"fr": "Imprimante {printer} ajoutée", "en": "Printer {printer} added"},
    # --- the printer fleet (server/services/printers.py, /printers) ----------------------------
    "fleet.no_backup": {"fr": "Le poste {station} n'a pas d'imprimante de secours",
                        "en": "Station {station} has no backup printer"},
    "fleet.no_printer": {"fr": "Imprimante {printer} inconnue", "en": "Unknown printer {printer}"},
    "fleet.printer_inactive": {"fr": "L'imprimante {printer} est désactivée", "en": "Printer {printer} is switched off in Colis"},
    "fleet.no_package": {"fr": "Colis {package} inconnu", "en": "Unknown parcel {package}"},
    "fleet.no_return": {"fr": "Retour {rma} inconnu", "en": "Unknown return {rma}"},
    "fleet.no_returns_printer": {"fr": "Aucune imprimante du parc ne sert le poste retours",
                                 "en": "No fleet printer serves the returns desk"},
    "fleet.no_station": {"fr": "Poste {station} inconnu", "en": "Unknown station {station}"},
    "fleet.backup_is_itself": {"fr": "Une imprimante ne peut pas être sa propre secours",
                               "en": "A printer cannot be its own backup"},
    "fleet.no_job": {"fr": "Impression {job} inconnue ou pas du parc", "en": "Print job {job} unknown or not the fleet's"},
    "fleet.job_done": {"fr": "L'impression {job} n'attend plus : rien à annuler",
                       "en": "Print job {job} is no longer waiting: nothing to cancel"},
    "fleet.cancelled": {"fr": "Impression {job} annulée", "en": "Print job {job} cancelled"},
    "feed.print_job_cancelled": {"fr": "{actor} : impression pour {printer} annulée",
                                 "en": "{actor}: print job for {printer} cancelled"},
    "web.fleet.cancel": {"fr": "Annuler", "en": "Cancel"},
    "fleet.media_too_small": {"fr": "{printer} a des étiquettes {media} : une étiquette d'expédition demande 4x6 po ou 100x150 mm",
                              "en": "{printer} is loaded with {media} labels: a shipping label needs 4x6 in or 100x150 mm"},
    "fleet.label_refused": {"fr": "Étiquette impossible à faire : {reason}", "en": "The label cannot be made: {reason}"},
    "fleet.queued": {"fr": "Étiquette en file pour {printer}", "en": "Label queued for {printer}"},
    "fleet.sent": {"fr": "Étiquette envoyée à {printer}", "en": "Label sent to {printer}"},
    "fleet.printed": {"fr": "Étiquette imprimée sur {printer}", "en": "Label printed on {printer}"},
    "fleet.failed_over": {"fr": "{printer} : {problem} ; étiquette envoyée à la secours {backup}",
                          "en": "{printer}: {problem}; label sent to the backup {backup}"},
    "web.fleet.title": {"fr": "Imprimantes", "en": "Printers"},
    "web.fleet.printer": {"fr": "Imprimante", "en": "Printer"},
    "web.fleet.address": {"fr": "Adresse", "en": "Address"},
    "web.fleet.media": {"fr": "Étiquettes", "en": "Labels"},
    "web.fleet.station": {"fr": "Poste servi", "en": "Station served"},
    "web.fleet.backup": {"fr": "Secours", "en": "Backup"},
    "web.fleet.none": {"fr": "aucune", "en": "none"},
    "web.fleet.state": {"fr": "État", "en": "State"},
    "web.fleet.ready": {"fr": "prête", "en": "ready"},
    "web.fleet.not_checked": {"fr": "pas encore interrogée", "en": "not asked yet"},
    "web.fleet.checked": {"fr": "Vue à", "en": "Checked at"},
    "web.fleet.assign": {"fr": "Affecter", "en": "Assign"},
    "web.fleet.assign_title": {"fr": "Imprimante d'un poste", "en": "A station's printer"},
    "web.fleet.jobs": {"fr": "Impressions récentes", "en": "Recent print jobs"},
    "web.fleet.what": {"fr": "Étiquette", "en": "Label"},
    "web.fleet.where": {"fr": "Où", "en": "Where"},
    "web.fleet.who": {"fr": "Demandé par", "en": "Asked by"},
    "web.fleet.when": {"fr": "Quand", "en": "When"},
    "web.fleet.status": {"fr": "Statut", "en": "Status"},
    "web.fleet.attempts": {"fr": "Essais", "en": "Tries"},
    "web.fleet.why": {"fr": "Pourquoi", "en": "Why"},
    "web.fleet.reprint": {"fr": "Réimprimer sur", "en": "Reprint on"},
    "web.fleet.kind.shipping": {"fr": "expédition", "en": "shipping"},
    "web.fleet.kind.return": {"fr": "retour", "en": "return"},
    "web.fleet.job.queued": {"fr": "en file", "en": "queued"},
    "web.fleet.job.sent": {"fr": "envoyée", "en": "sent"},
    "web.fleet.job.printed": {"fr": "imprimée", "en": "printed"},
    "web.fleet.job.failed": {"fr": "non imprimée", "en": "not printed"},
    "web.fleet.job.cancelled": {"fr": "annulée", "en": "cancelled"},
    "web.fleet.station_prefix": {"fr": "poste", "en": "station"},
    "fleet.assigned": {"fr": "{printer} imprime pour {station}, secours : {backup}",
                       "en": "{printer} prints for {station}, backup: {backup}"},
    "fleet.bad_form": {"fr": "Choisissez un poste et une imprimante", "en": "Choose a station and a printer"},
    "fleet.refused": {"fr": "Étiquette non imprimée, {printer} : {problem} ; nouvel essai dans {seconds} s",
                      "en": "Label not printed, {printer}: {problem}; trying again in {seconds} s"},
    # --- supervisors' pages --------------------------------------------------------------------
    "web.sign_in": {"fr": "Connexion", "en": "Sign in"},
    "web.username": {"fr": "Identifiant", "en": "Username"},
    "web.password": {"fr": "Mot de passe", "en": "Password"},
    "web.sign_out": {"fr": "Déconnexion", "en": "Sign out"},
    "web.bad_login": {"fr": "Identifiant ou mot de passe incorrect", "en": "Wrong username or password"},
    "web.not_allowed": {"fr": "Accès réservé aux superviseurs", "en": "Supervisors only"},
    "web.dashboard": {"fr": "Tableau de bord", "en": "Dashboard"},
    "web.backlog": {"fr": "Commandes en cours", "en": "Backlog"},
    "web.late": {"fr": "En retard", "en": "Late"},
    "web.shipped": {"fr": "Expédiées", "en": "Shipped"},
    "web.pick_open": {"fr": "Prélèvements en attente", "en": "Picks waiting"},
    "web.pack_open": {"fr": "Emballages en attente", "en": "Packs waiting"},
    "web.stations": {"fr": "Postes", "en": "Stations"},
    "web.printer": {"fr": "Imprimante", "en": "Printer"},
    "web.online": {"fr": "en ligne", "en": "online"},
    "web.offline": {"fr": "hors ligne", "en": "offline"},
    "web.live_feed": {"fr": "En direct", "en": "Live"},
    "web.return_reasons": {"fr": "Motifs de retour", "en": "Return reasons"},
    "web.parcels_1h": {"fr": "Colis / dernière heure", "en": "Parcels / last hour"},
    "web.scans_15m": {"fr": "Scans / 15 min", "en": "Scans / 15 min"},
    "web.exceptions_15m": {"fr": "Anomalies / 15 min", "en": "Exceptions / 15 min"},
    "web.connection_lost": {"fr": "Connexion perdue, reconnexion…", "en": "Connection lost, reconnecting…"},
    "web.sign_ins_refused": {"fr": "connexions refusées", "en": "refused sign-ins"},
    "web.too_many_attempts": {"fr": "Trop d'essais : réessayez dans {seconds} s",
                              "en": "Too many attempts: try again in {seconds} s"},
}


def text(key: str, locale: str = DEFAULT_LOCALE, /, **params) -> str:
    """The sentence ``key`` in ``locale`` (English if the locale is unknown)."""
    entry = CATALOG[key]
    return (entry.get(locale) or entry["en"]).format(**params)


def section(prefix: str, locale: str) -> dict[str, str]:
    """Every ``prefix.*`` text in ``locale``, keyed without the prefix (for pages to embed)."""
    start = prefix + "."
    return {key[len(start):]: (entry.get(locale) or entry["en"])
            for key, entry in CATALOG.items() if key.startswith(start)}


def placeholders(key: str, locale: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(CATALOG[key][locale]) if name}


# The picking floor's sentences (kept in their own module, like the web pages').
from wire.texts_pick import CATALOG as _PICK_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _PICK_CATALOG.items() if key not in CATALOG})


# The supervisors' pages, statuses, reasons and feed sentences (kept in their own module).
from wire.texts_web import CATALOG as _WEB_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _WEB_CATALOG.items() if key not in CATALOG})

# The returns desk and the returns pages (kept in their own module, like the web pages').
from wire.texts_returns import CATALOG as _RETURNS_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _RETURNS_CATALOG.items() if key not in CATALOG})

# The packing bench (kept in its own module, like the web pages').
from wire.texts_pack import CATALOG as _PACK_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _PACK_CATALOG.items() if key not in CATALOG})

# What customers read: messages and the order's status page (kept in their own module).
from wire.texts_customer import CUSTOMER as _CUSTOMER_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _CUSTOMER_CATALOG.items() if key not in CATALOG})

# Routing, carriers and order intake (kept in their own module, like the web pages').
from wire.texts_routing import CATALOG as _ROUTING_CATALOG  # noqa: E402 - after CATALOG, which it extends

CATALOG.update({key: entry for key, entry in _ROUTING_CATALOG.items() if key not in CATALOG})
