"""The returns desk and the returns pages in French and English: the desk's operator messages,
the kiosk's words for grades and refunds, the customer-service and self-service return pages,
and the supervisors' returns list. Merged into the one catalog (``wire/texts.py``).
Standard library only, like the rest of ``wire/``.
"""
from __future__ import annotations


def _both(prefix: str, pairs: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    dot = f"{prefix}." if prefix else ""
    return {f"{dot}{code}": {"fr": fr, "en": en} for code, (fr, en) in pairs.items()}


REASONS = {
    "changed_mind": ("changement d'avis", "changed mind"), "wrong_size": ("mauvaise taille", "wrong size"),
    "damaged": ("arrivé endommagé", "arrived damaged"), "not_as_described": ("non conforme", "not as described"),
    "wrong_item": ("mauvais article envoyé", "wrong item sent"), "late": ("livré en retard", "arrived late"),
    "other": ("autre", "other"),
}
# Not a customer's reason: the carrier brought the parcel back. Named on pages, never offered
# at the kiosk or on a return form (server/domain/returns.RETURN_REASONS is the customer's list).
CARRIER_REASONS = {"returned_to_sender": ("retourné par le transporteur", "returned by the carrier")}
GRADES = {"resellable": ("revendable", "resellable"), "damaged": ("endommagé", "damaged"),
          "missing": ("manquant", "missing")}
RETURN_STATUSES = {
    "authorized": ("attendu", "expected"), "received": ("reçu, en contrôle", "received, being inspected"),
    "inspected": ("contrôlé", "inspected"), "refunded": ("remboursé", "refunded"), "closed": ("clos", "closed"),
}
REFUND_STATUSES = {
    "awaiting_approval": ("attend un superviseur", "waiting for a supervisor"), "approved": ("approuvé", "approved"),
    "paid": ("payé", "paid"), "rejected": ("refusé", "rejected"), "nothing_due": ("rien à rembourser", "nothing due"),
}

OPERATOR = _both("", {
    "return_not_found": ("Aucun retour trouvé pour {code}", "No return found for {code}"),
    "return_items_noted": ("{n} article(s) noté(s) : tapez le nom du client", "{n} item(s) noted: type the customer's name"),
    "return_grade_it": ("{name} : revendable ou endommagé ?", "{name}: resellable or damaged?"),
    "return_put_in_bin": ("Rangez {name} en {bin} puis scannez l'emplacement",
                          "Put {name} in bin {bin}, then scan the bin"),
    "return_wrong_bin": ("Mauvais emplacement : rangez l'article en {bin}", "Wrong bin: put the item in {bin}"),
    "return_restocked": ("{name} remis en stock en {bin}", "{name} back in stock in {bin}"),
    "return_quarantined": ("{name} mis en quarantaine", "{name} put in quarantine"),
    "return_put_first": ("Rangez d'abord l'article en cours en {bin}", "First put the item in hand in {bin}"),
    "return_scan_item_first": ("Scannez d'abord l'article", "Scan the item first"),
    "return_no_bin": ("Aucun emplacement pour {name} : voyez un superviseur", "No bin for {name}: see a supervisor"),
    "return_already_inspected": ("Retour {rma} déjà contrôlé", "Return {rma} already inspected"),
    "return_not_on_rma_extra": ("{code} n'est pas sur ce retour mais sur la commande : Extra pour l'accepter",
                                "{code} is not on this return but on the order: Extra to accept it"),
    "return_extra_accepted": ("Article accepté en extra : scannez-le de nouveau pour l'évaluer",
                              "Item accepted as an extra: scan it again to grade it"),
})

KIOSK = {**_both("kiosk", {
    "action.resellable": ("Revendable", "Resellable"), "action.damaged": ("Endommagé", "Damaged"),
    "action.extra": ("Accepter en extra", "Accept as extra"),
    "reason.wrong_item": REASONS["wrong_item"], "grade": ("État", "Grade"), "location": ("Rangé en", "Put in"),
    "in_hand": ("En main", "In hand"), "put_in_bin": ("À ranger en", "Put in bin"),
    "history": ("Retours précédents de la commande", "Earlier returns of this order"),
    "refund_estimate": ("estimation avant contrôle", "estimate before inspection"),
    "refund_recorded": ("Remboursement enregistré", "Refund recorded"),
    "received_by": ("reçu par {who} le {when}", "received by {who} on {when}"),
    "note": ("Note sur l'article (facultatif)", "Note on the item (optional)"),
    "extra_reason": ("Pourquoi cet article est-il revenu ?", "Why did this item come back?"),
    # The return label Colis made for the RMA, beside the parcel's details: compare it with the parcel's.
    "return_label": ("Étiquette retour attendue", "Expected return label"),
    "return_label_printed": ("telle qu'imprimée", "as printed"),
    "return_label_unprinted": ("telle qu'elle s'imprimerait", "as it would print"),
    "return_label_alt": ("Étiquette retour {rma} générée par Colis, à comparer avec celle du colis",
                         "Return label {rma} as Colis generated it, to compare with the one on the parcel"),
}), **_both("kiosk.grade", GRADES), **_both("kiosk.refund_status", REFUND_STATUSES),
    **_both("kiosk.return_status", RETURN_STATUSES)}

WEB = {**_both("web.ret", {
    "title": ("Retours", "Returns"), "new": ("Ouvrir un retour", "Open a return"),
    "rma": ("RMA", "RMA"), "order": ("Commande", "Order"), "customer": ("Client", "Customer"),
    "status": ("Statut", "Status"), "created": ("Ouvert le", "Opened"), "received": ("Reçu le", "Received"),
    "refund": ("Remboursement", "Refund"), "amount": ("Montant", "Amount"), "reason": ("Motif", "Reason"),
    "item": ("Article", "Item"), "ordered": ("Commandé", "Ordered"), "returnable": ("Retournable", "Returnable"),
    "quantity": ("Quantité à retourner", "Quantity to return"),
    "waiting": ("Remboursements à approuver", "Refunds waiting for approval"),
    "none_waiting": ("Aucun remboursement en attente", "No refund waiting"),
    "recent": ("Derniers retours", "Latest returns"), "approve": ("Approuver", "Approve"),
    "reject": ("Refuser", "Reject"), "approved": ("Remboursement {rma} approuvé et payé", "Refund {rma} approved and paid"),
    "rejected": ("Remboursement {rma} refusé", "Refund {rma} rejected"),
    "requested_by": ("Demandé par", "Requested by"), "open": ("Ouvrir le retour", "Open the return"),
    "created_ok": ("Retour {rma} ouvert", "Return {rma} opened"),
    "label_pdf": ("Étiquette retour (PDF)", "Return label (PDF)"),
    "parcel_only": ("Le colis {tracking} (SSCC {sscc}) seulement, revenu du transporteur",
                    "Parcel {tracking} (SSCC {sscc}) only, back from the carrier"),
    "label_picture": ("Étiquette retour, telle qu'elle s'imprime au poste retours", "Return label, as the returns desk prints it"),
    "label_printed": ("Étiquette envoyée à l'imprimante du comptoir", "Label sent to the desk printer"),
    "label_not_printed": ("Étiquette non imprimée : {why}", "Label not printed: {why}"),
    "order_unknown": ("Commande introuvable", "Order not found"),
    "choose_lines": ("Choisissez au moins un article et sa quantité", "Choose at least one item and its quantity"),
    "analytics": ("Analyse des retours", "Returns analysis"), "export": ("Export CSV", "CSV export"),
    "by_reason": ("Par motif", "By reason"), "by_sku": ("Par article", "By item"),
    "by_channel": ("Par canal", "By channel"), "by_week": ("Par semaine", "By week"),
    "count": ("Unités", "Units"), "value": ("Valeur", "Value"), "returns_count": ("Retours", "Returns"),
    "find": ("Retrouver un colis", "Find a parcel"),
    "find_hint": ("RMA, n° de suivi, SSCC, n° de commande ou nom du client",
                  "RMA, tracking number, SSCC, order number or customer's name"),
    "nothing_found": ("Aucun retour trouvé", "No return found"),
    "only_supervisors": ("Seul un superviseur approuve un remboursement", "Only a supervisor approves a refund"),
    "refused": ("Refusé : {why}", "Refused: {why}"),
    "note": ("Note", "Note"),
    "photo": ("Photo de", "Photo of"), "photo_upload": ("Photo (JPEG ou PNG, 5 Mo au plus)",
                                                       "Photo (JPEG or PNG, 5 MB at most)"),
    "photo_send": ("Envoyer la photo", "Upload the photo"), "photo_saved": ("Photo enregistrée", "Photo saved"),
    "photo_refused": ("Photo refusée : {why}", "Photo refused: {why}"),
    "photo_missing": ("aucun fichier choisi", "no file chosen"),
    "photo_too_big": ("plus de {mb} Mo", "larger than {mb} MB"),
    "photo_not_image": ("seuls les fichiers JPEG et PNG sont acceptés", "only JPEG and PNG files are accepted"),
    # the customers' self-service page
    "self_title": ("Retourner un article", "Return an item"),
    "self_intro": ("Saisissez votre numéro de commande et le code postal de livraison ou votre e-mail.",
                   "Enter your order number and the delivery postal code or your email."),
    "self_order": ("Numéro de commande", "Order number"),
    "self_secret": ("Code postal ou e-mail", "Postal code or email"),
    "self_continue": ("Continuer", "Continue"),
    "self_no_match": ("Nous ne trouvons pas de commande retournable avec ces informations.",
                      "We cannot find a returnable order with these details."),
    "self_too_many": ("Trop d'essais : réessayez dans une minute.", "Too many attempts: try again in a minute."),
    "self_choose": ("Choisissez les articles à retourner", "Choose the items to return"),
    "self_submit": ("Demander le retour", "Request the return"),
    "self_done": ("Votre retour {rma} est enregistré. Imprimez l'étiquette et collez-la sur le colis.",
                  "Your return {rma} is registered. Print the label and stick it on the parcel."),
    "self_download": ("Télécharger l'étiquette (PDF)", "Download the label (PDF)"),
    "self_nothing_left": ("Tous les articles de cette commande sont déjà en retour.",
                          "Every item of this order is already being returned."),
    "self_expired": ("Votre session a expiré : recommencez.", "Your session expired: start again."),
    "pdf_title": ("ÉTIQUETTE RETOUR", "RETURN LABEL"), "pdf_from": ("Expéditeur", "From"),
    "pdf_to": ("Retour à", "Return to"),
    "pdf_instructions": ("Collez cette étiquette sur le colis. Le code-barres identifie votre retour.",
                         "Stick this label on the parcel. The barcode identifies your return."),
}), **_both("web.ret.reason", {**REASONS, **CARRIER_REASONS}), **_both("web.ret.grade", GRADES),
    **_both("web.ret.status", RETURN_STATUSES), **_both("web.ret.refund_status", REFUND_STATUSES)}

CATALOG = {**OPERATOR, **KIOSK, **WEB}
