"""What the customer reads, in French and English: the messages (e-mail and text message) and
the order's status page. Merged into the one catalog (``wire/texts.py``); kept apart so that
catalog stays the station's. ``mail.<kind>.subject`` / ``.body`` for each kind of message
(server/domain/notices.py), ``track.*`` for the status page, ``tracking.*`` a parcel's steps.
"""
from __future__ import annotations


def _both(prefix: str, pairs: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{code}": {"fr": fr, "en": en} for code, (fr, en) in pairs.items()}


MESSAGES = _both("mail", {
    "greeting": ("Bonjour {name},", "Hello {name},"),
    "signature": ("L'équipe Colis", "The Colis team"),
    "follow": ("Suivre ma commande", "Track my order"),
    "unsubscribe": ("Ne plus recevoir ces messages de suivi", "Stop these tracking updates"),
    "essential": ("Ce message concerne votre commande : il vous est toujours envoyé.",
                  "This message is about your order: it is always sent."),
    "order_received.subject": ("Commande {order} reçue", "Order {order} received"),
    "order_received.body": ("Nous avons bien reçu votre commande {order}. Nous la préparons.",
                            "We have received your order {order}. We are getting it ready."),
    "shipped.subject": ("Commande {order} expédiée", "Order {order} shipped"),
    "shipped.body": ("Votre commande {order} est partie avec {carrier}. Numéro de suivi : {tracking}.",
                     "Your order {order} is on its way with {carrier}. Tracking number: {tracking}."),
    "shipped.carrier_link": ("Suivre chez le transporteur", "Track with the carrier"),
    "delayed.subject": ("Commande {order} : nouvelle date de livraison", "Order {order}: a new delivery date"),
    "delayed.body": ("Votre commande {order} aura du retard. Livraison prévue le {expected}. Nous sommes désolés.",
                     "Your order {order} is running late. Now expected on {expected}. We are sorry."),
    "delayed.body_carrier": ("Le transporteur n'a pas pu livrer votre commande {order}. Il vous tiendra informé.",
                             "The carrier could not deliver your order {order}. They will keep you posted."),
    "out_for_delivery.subject": ("Commande {order} en cours de livraison", "Order {order} out for delivery"),
    "out_for_delivery.body": ("Votre colis {tracking} sera livré aujourd'hui.",
                              "Your parcel {tracking} will be delivered today."),
    "out_for_delivery.sms": ("Colis : votre commande {order} est livrée aujourd'hui. Suivi : {link}",
                             "Colis: your order {order} is delivered today. Track: {link}"),
    "delivered.subject": ("Commande {order} livrée", "Order {order} delivered"),
    "delivered.body": ("Votre commande {order} a été livrée. Vous avez 30 jours pour la retourner si besoin.",
                       "Your order {order} was delivered. You have 30 days to return it if needed."),
    "return_authorized.subject": ("Retour {rma} accepté", "Return {rma} accepted"),
    "return_authorized.body": ("Votre retour {rma} pour la commande {order} est accepté. Imprimez l'étiquette "
                               "retour et déposez le colis.",
                               "Your return {rma} for order {order} is accepted. Print the return label and "
                               "drop the parcel off."),
    "return_authorized.label": ("Télécharger l'étiquette retour", "Download the return label"),
    "return_received.subject": ("Retour {rma} reçu", "Return {rma} received"),
    "return_received.body": ("Nous avons reçu votre retour {rma}. Nous le vérifions.",
                             "We have received your return {rma}. We are checking it."),
    "returned_to_sender.subject": ("Commande {order} : colis revenu chez nous", "Order {order}: parcel sent back to us"),
    "returned_to_sender.body": ("Le transporteur n'a pas pu vous livrer votre commande {order} et nous la "
                                "renvoie. Dès qu'elle sera arrivée et vérifiée, nous vous rembourserons ; "
                                "contactez-nous si vous préférez un nouvel envoi.",
                                "The carrier could not deliver your order {order} and is sending it back to "
                                "us. Once it is here and checked we will refund you; contact us if you would "
                                "rather have it sent again."),
    "parcel_returned.subject": ("Commande {order} : un colis revient chez nous",
                                "Order {order}: one parcel sent back to us"),
    "parcel_returned.body": ("Le transporteur n'a pas pu vous livrer le colis {tracking} de votre commande {order} "
                             "et nous le renvoie ; vos autres colis poursuivent leur route. Dès qu'il sera arrivé "
                             "et vérifié, nous vous rembourserons ce qu'il contient ; contactez-nous si vous "
                             "préférez un nouvel envoi.",
                             "The carrier could not deliver parcel {tracking} of your order {order} and is sending "
                             "it back to us; your other parcels are still on their way. Once it is here and "
                             "checked we will refund what it holds; contact us if you would rather have it sent "
                             "again."),
    "refund_issued.subject": ("Remboursement de {amount}", "Refund of {amount}"),
    "refund_issued.body": ("Nous vous avons remboursé {amount} pour le retour {rma}.",
                           "We have refunded you {amount} for return {rma}."),
})

STATUS_PAGE = _both("track", {
    "title": ("Suivi de commande", "Order tracking"),
    "find": ("Retrouver ma commande", "Find my order"),
    "order_number": ("Numéro de commande", "Order number"),
    "postal_or_email": ("Code postal ou e-mail", "Postal code or email"),
    "show": ("Afficher", "Show"),
    "not_found": ("Aucune commande ne correspond. Vérifiez le numéro et le code postal ou l'e-mail.",
                  "No order matches. Check the number and the postal code or email."),
    "link_invalid": ("Ce lien n'est pas valable ou a expiré. Retrouvez votre commande ci-dessous.",
                     "This link is not valid or has expired. Find your order below."),
    "too_many": ("Trop d'essais : réessayez dans une minute.", "Too many attempts: try again in a minute."),
    "order": ("Commande {order}", "Order {order}"),
    "status": ("État", "Status"),
    "expected": ("Livraison prévue le {date}", "Expected on {date}"),
    "delivered_on": ("Livrée le {date}", "Delivered on {date}"),
    "returned_on": ("Retournée à l'expéditeur le {date}", "Returned to sender on {date}"),
    "timeline": ("Historique", "History"),
    "parcels": ("Colis", "Parcels"),
    "parcel": ("Colis {tracking} ({carrier})", "Parcel {tracking} ({carrier})"),
    "no_parcel": ("Pas encore de colis : la commande est en préparation.",
                  "No parcel yet: the order is being prepared."),
    "start_return": ("Retourner un article", "Return an item"),
    "contact": ("Contacter le service client", "Contact customer service"),
    "unsubscribe_title": ("Messages de suivi", "Tracking updates"),
    "unsubscribe_ask": ("Ne plus recevoir les messages de suivi (en cours de livraison, livrée) à {email} ?",
                        "Stop the tracking updates (out for delivery, delivered) sent to {email}?"),
    "unsubscribe_do": ("Me désabonner", "Unsubscribe"),
    "unsubscribed": ("C'est fait : {email} ne recevra plus ces messages. Les messages sur vos commandes, "
                     "retours et remboursements restent envoyés.",
                     "Done: {email} will not get these updates any more. Messages about your orders, returns "
                     "and refunds are still sent."),
    "order_received": ("Commande reçue", "Order received"),
    "order_preparing": ("En préparation", "Being prepared"),
    "order_shipped": ("Expédiée", "Shipped"),
    "order_delivered": ("Livrée", "Delivered"),
    "order_returned": ("Retournée", "Returned"),
    "order_returned_to_sender": ("Retournée à l'expéditeur", "Returned to sender"),
    "order_cancelled": ("Annulée", "Cancelled"),
})

PARCEL_STEPS = _both("tracking", {
    "info": ("Information du transporteur", "Carrier information"),
    "in_transit": ("En cours d'acheminement", "In transit"),
    "out_for_delivery": ("En cours de livraison", "Out for delivery"),
    "delivery_failed": ("Livraison impossible", "Delivery failed"),
    "delivered": ("Livré", "Delivered"),
    "returned_to_sender": ("Retourné à l'expéditeur", "Returned to sender"),
})

# The dashboard's feed and an order's timeline (server/feed.py): what the floor did for a customer.
FEED = _both("feed", {
    "promise_moved_up": ("{order} avancée dans la file pour tenir sa date", "{order} moved up the queue to keep its date"),
    "promise_released": ("{order} lancée sans attendre sa vague pour tenir sa date",
                         "{order} released without waiting for its wave to keep its date"),
    "promise_upgraded": ("{order} passée à un service plus rapide pour tenir sa date (+{amount})",
                         "{order} upgraded to a faster service to keep its date (+{amount})"),
    "promise_missed": ("{order} ne tiendra pas sa date : livraison prévue le {expected_on}",
                       "{order} will miss its date: now expected on {expected_on}"),
    "promise_decision_undone": ("Décision sur {order} annulée par {actor}", "Decision on {order} undone by {actor}"),
    "promise_date_changed": ("Client de {order} prévenu : livraison le {expected_on}",
                             "{order}'s customer told: delivery on {expected_on}"),
    "parcel_in_transit": ("Colis {tracking} ({order}) en route", "Parcel {tracking} ({order}) on its way"),
    "parcel_out_for_delivery": ("Colis {tracking} ({order}) en cours de livraison",
                                "Parcel {tracking} ({order}) out for delivery"),
    "parcel_delivery_failed": ("Colis {tracking} ({order}) : livraison impossible",
                               "Parcel {tracking} ({order}): delivery failed"),
    "parcel_returned_to_sender": ("Colis {tracking} ({order}) retourné à l'expéditeur",
                                  "Parcel {tracking} ({order}) returned to sender"),
    "parcel_delivered": ("Colis {tracking} ({order}) livré", "Parcel {tracking} ({order}) delivered"),
    "order_delivered": ("{order} livrée", "{order} delivered"),
    "order_returned_to_sender": ("{order} revient : tous ses colis sont retournés à l'expéditeur",
                                 "{order} is coming back: every parcel returned to sender"),
    "return_expected_from_carrier": ("Retour {rma} ouvert pour {order} : à recevoir au bureau des retours",
                                     "Return {rma} opened for {order}: to be received at the returns desk"),
    "return_expected_from_carrier_parcel": ("Retour {rma} ouvert pour le colis {tracking} de {order} : à recevoir "
                                            "au bureau des retours", "Return {rma} opened for parcel {tracking} of "
                                            "{order}: to be received at the returns desk"),
    "order_parcel_returned": ("Colis {parcel}/{parcels} ({tracking}) de {order} retourné à l'expéditeur, les "
                              "autres encore en route", "Parcel {parcel}/{parcels} ({tracking}) of {order} returned "
                              "to sender, the others still on their way"),
    "notification_failed": ("Un message au client de {order} n'a pas pu partir",
                            "A message to {order}'s customer could not be sent"),
    "customer_unsubscribed": ("Un client s'est désabonné des messages de suivi",
                              "A customer unsubscribed from tracking updates"),
})

CUSTOMER: dict[str, dict[str, str]] = {**MESSAGES, **STATUS_PAGE, **PARCEL_STEPS, **FEED}
