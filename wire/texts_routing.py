"""Routing, carriers and order intake sentences (issue 14), in French and English: merged into
wire/texts.py. ``routing.<reason>`` renders a routing decision's reason with its params."""
from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "routing.routed_whole": {"fr": "Expédiée entière depuis {warehouse} ({km} km), l'entrepôt le plus proche qui a tout",
                             "en": "Ships whole from {warehouse} ({km} km), the nearest warehouse that has everything"},
    "routing.routed_split": {"fr": "Aucun entrepôt n'a tout : partagée entre {parts} entrepôts ({warehouses})",
                             "en": "No warehouse has everything: split over {parts} warehouses ({warehouses})"},
    "routing.split_part": {"fr": "Partie de la commande {from} expédiée par un autre entrepôt",
                           "en": "Part of order {from} shipped by another warehouse"},
    "routing.routed_held": {"fr": "Aucun entrepôt n'a tout : en attente (règle : ne pas partager)",
                            "en": "No warehouse has everything: waiting (policy: do not split)"},
    "routing.routed_unsplittable": {"fr": "Impossible de la partager en {max_parts} entrepôts au plus : en attente",
                                    "en": "Cannot be split over at most {max_parts} warehouses: waiting"},
    "routing.routed_short": {"fr": "Stock insuffisant dans tous les entrepôts : en attente de stock",
                             "en": "Not enough stock in any warehouse: waiting for stock"},
    "routing.not_routable": {"fr": "Déjà orientée", "en": "Already routed"},
    "routing.service_cheapest_on_time": {"fr": "{service}, le moins cher qui livre à temps (le {delivers})",
                                         "en": "{service}, the cheapest that delivers on time ({delivers})"},
    "routing.service_fastest_late": {"fr": "{service}, le plus rapide (le {delivers}) : la promesse du {promised} "
                                           "ne peut pas être tenue",
                                     "en": "{service}, the fastest ({delivers}): the promise of {promised} "
                                           "cannot be kept"},
    "routing.service_none": {"fr": "Aucun transporteur ne prend {weight_g} g vers {country}",
                             "en": "No carrier takes {weight_g} g to {country}"},
    "routing.service_kept_weight": {"fr": "Pesé {weight_g} g : {service} le prend (jusqu'à {max_weight_g} g)",
                                    "en": "Weighed {weight_g} g: {service} takes it (up to {max_weight_g} g)"},
    "routing.service_rerouted_weight": {"fr": "Pesé {weight_g} g : trop lourd pour {previous}, passé à {service}",
                                        "en": "Weighed {weight_g} g: too heavy for {previous}, moved to {service}"},
    "routing.service_chosen_at_packing": {"fr": "{service} choisi à l'emballage ({weight_g} g)",
                                          "en": "{service} chosen at packing ({weight_g} g)"},
    # --- the admins' CSV upload page (/imports) ------------------------------------------------
    "web.imports.title": {"fr": "Importer des commandes (CSV)", "en": "Import orders (CSV)"},
    "web.imports.help": {"fr": "Un export de place de marché, une ligne par article : UTF-8 ou Windows-1252, "
                               "virgule ou point-virgule. Importer deux fois le même fichier ne crée rien de plus.",
                         "en": "A marketplace export, one row per item: UTF-8 or Windows-1252, comma or "
                               "semicolon. Importing the same file twice creates nothing more."},
    "web.imports.file": {"fr": "Fichier CSV", "en": "CSV file"},
    "web.imports.channel": {"fr": "Canal (nom de l'intégration)", "en": "Channel (the integration's name)"},
    "web.imports.submit": {"fr": "Importer", "en": "Import"},
    "web.imports.summary": {"fr": "{file} ({encoding}, {delimiter}) : {created} créée(s), {updated} mise(s) à jour, "
                                  "{unchanged} inchangée(s), {held} en attente, {refused} ligne(s) refusée(s)",
                            "en": "{file} ({encoding}, {delimiter}): {created} created, {updated} updated, "
                                  "{unchanged} unchanged, {held} held, {refused} row(s) refused"},
    "web.imports.row": {"fr": "Ligne", "en": "Row"},
    "web.imports.reason": {"fr": "Motif", "en": "Reason"},
    "web.imports.no_file": {"fr": "Choisissez un fichier CSV", "en": "Choose a CSV file"},
    "web.imports.bad_channel": {"fr": "Aucune intégration active de ce nom", "en": "No active integration of that name"},
    "web.imports.bad_file": {"fr": "Fichier refusé : {reason}", "en": "File refused: {reason}"},
    "web.imports.too_big": {"fr": "Fichier trop gros (10 Mo au plus)", "en": "File too large (10 MB at most)"},
}
