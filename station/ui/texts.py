"""Fixed labels of the kiosk page, in the station's language.

Server messages arrive already translated; these are only the page's own words.
"""

TEXTS = {
    "fr": {
        "title": "Poste", "scan_item": "Scannez l'article", "bin": "Emplacement",
        "quantity": "Quantité", "item": "Article", "progress": "Progression",
        "order": "Commande", "idle": "En attente de travail", "print_label": "Impression de l'étiquette",
        "reprint": "Réimprimer", "return_scan": "Scannez l'étiquette retour",
        "rma": "Retour", "customer": "Client", "refund": "Remboursement", "items": "Articles",
        "offline": "Hors ligne — {n} scans en attente", "connecting": "Connexion au serveur…",
        "scan_input": "Code (saisie manuelle)", "send": "Envoyer", "printer": "Imprimante",
    },
    "en": {
        "title": "Station", "scan_item": "Scan the item", "bin": "Bin",
        "quantity": "Quantity", "item": "Item", "progress": "Progress",
        "order": "Order", "idle": "Waiting for work", "print_label": "Printing the label",
        "reprint": "Reprint", "return_scan": "Scan the return label",
        "rma": "Return", "customer": "Customer", "refund": "Refund", "items": "Items",
        "offline": "Offline — {n} scans waiting", "connecting": "Connecting to the server…",
        "scan_input": "Code (typed)", "send": "Send", "printer": "Printer",
    },
}


def texts_for(locale: str) -> dict[str, str]:
    return TEXTS.get(locale, TEXTS["en"])
