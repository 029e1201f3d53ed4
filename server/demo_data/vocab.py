"""Word lists for the demo data: names, streets, cities and products.

Chosen to exercise what breaks real labels and screens: accents and apostrophes,
street names longer than 40 characters, CEDEX cities, Corsican 20xxx postcodes
(also Milan's), Spanish postcodes with a leading zero, German sharp s and umlauts.
Tuples, never sets: iteration order must not depend on hashing.
"""
from __future__ import annotations

FR_FIRST = (
    "Élodie", "Hélène", "Jérôme", "Frédéric", "Zoé", "Chloé", "Anaïs", "Noël", "Gaël", "Loïc",
    "Maëlle", "Benoît", "François", "Céline", "Agnès", "Léa", "Théo", "Raphaël", "Inès", "Camille",
    "Jean-Noël", "Marie-Hélène", "Sébastien", "Clémence", "Aurélien", "Hugo", "Manon", "Lucas",
)
FR_LAST = (
    "Dupré", "Lefèvre", "Bénard", "Crépin", "Mercier", "Ménard", "Rivière", "Leroy", "Fournier",
    "Le Goff", "N'Diaye", "d'Almeida", "Gauthier", "Laurent", "Chevalier", "Bézier", "Marchetti",
    "Pietri", "Santoni", "Moreau", "Girard", "Faure", "Roussel", "Lacôte", "Desprès",
)
BE_FIRST = ("Wouter", "Maëlle", "Lotte", "Sofie", "Thibault", "Anouk", "Geoffroy", "Jorik")
BE_LAST = ("Peeters", "Janssens", "Dubois", "Vandenberghe", "Lambert", "De Smet", "Willems")
DE_FIRST = ("Jürgen", "Björn", "Käthe", "Lena", "Jörg", "Sören", "Hannah", "Günther")
DE_LAST = ("Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Schmidt", "Fischer", "Bäcker")
ES_FIRST = ("José", "Begoña", "Ángel", "María", "Íñigo", "Lucía", "Martín", "Nuria")
ES_LAST = ("Muñoz", "Ibáñez", "García", "Peña", "Núñez", "Fernández", "López", "Castaño")
IT_FIRST = ("Niccolò", "Lucia", "Gianluca", "Chiara", "Nicolò", "Elena", "Andrea", "Giosuè")
IT_LAST = ("Bianchi", "Esposito", "Rossi", "Russo", "Ferrari", "D'Angelo", "Colombo", "Galli")

FR_STREETS = (
    "rue de l'Église", "rue Victor Hugo", "avenue Jean Jaurès", "boulevard Saint-Michel",
    "place du Marché", "impasse des Lilas", "rue du Général de Gaulle", "quai de la Saône",
    "allée des Châtaigniers", "route de Besançon", "rue Émile Zola", "chemin de la Forêt",
    "rue de la République", "cours Mirabeau", "rue des Écoles",
    # Longer than 40 characters: they must wrap or be cut cleanly on 4x6 labels.
    "Chemin des Petites Vignes de la Côte-Saint-André",
    "Avenue du Maréchal de Lattre de Tassigny prolongée",
    "Rue du Faubourg Saint-Antoine et de la Petite Roquette",
    "Boulevard de l'Amiral Bruix et des Anciens Combattants",
)
BE_STREETS = ("Rue de l'Église", "Chaussée de Waterloo", "Kerkstraat", "Avenue Louise",
              "Rue des Béguines", "Sint-Pietersnieuwstraat")
DE_STREETS = ("Hauptstraße", "Königsallee", "Schloßstraße", "Müllerstraße", "Am Güterbahnhof",
              "Friedrich-Ebert-Straße", "Straße des 17. Juni")
ES_STREETS = ("Calle Mayor", "Avenida de la Constitución", "Plaza de España", "Calle de Alcalá",
              "Carrer de Sant Joan", "Rúa do Franco")
IT_STREETS = ("Via Roma", "Corso Vittorio Emanuele II", "Piazza del Duomo", "Via Garibaldi",
              "Viale dei Giardini", "Via San Gregorio Armeno")

# (postal code, city). Corsica is 20xxx; CEDEX cities come with a "CS" box on line 2.
FR_CITIES = (
    ("75011", "Paris"), ("75015", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"),
    ("31000", "Toulouse"), ("33000", "Bordeaux"), ("44000", "Nantes"), ("59800", "Lille"),
    ("67000", "Strasbourg"), ("42000", "Saint-Étienne"), ("25000", "Besançon"),
    ("45000", "Orléans"), ("30000", "Nîmes"), ("91000", "Évry-Courcouronnes"),
    ("38000", "Grenoble"), ("74000", "Annecy"), ("34200", "Sète"), ("97400", "Saint-Denis"),
    ("20000", "Ajaccio"), ("20200", "Bastia"), ("20137", "Porto-Vecchio"), ("20250", "Corte"),
)
FR_CEDEX = (
    ("69421", "Lyon Cedex 03"), ("75634", "Paris Cedex 13"), ("13395", "Marseille Cedex 20"),
    ("31070", "Toulouse Cedex 9"), ("20090", "Ajaccio Cedex 9"),
)
BE_CITIES = (("1000", "Bruxelles"), ("4000", "Liège"), ("5000", "Namur"), ("9000", "Gent"),
             ("1348", "Louvain-la-Neuve"))
DE_CITIES = (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"),
             ("40213", "Düsseldorf"), ("01067", "Dresden"))
ES_CITIES = (("28013", "Madrid"), ("08001", "Barcelona"), ("41001", "Sevilla"),
             ("15001", "A Coruña"), ("48001", "Bilbao"))
IT_CITIES = (("00184", "Roma"), ("20121", "Milano"), ("80133", "Napoli"), ("47121", "Forlì"),
             ("10121", "Torino"))

# country: (weight, first names, last names, streets, cities, locale, phone prefix)
COUNTRIES = (
    ("FR", 80, FR_FIRST, FR_LAST, FR_STREETS, FR_CITIES, "fr", "+33 6"),
    ("BE", 6, BE_FIRST, BE_LAST, BE_STREETS, BE_CITIES, "fr", "+32 470"),
    ("DE", 5, DE_FIRST, DE_LAST, DE_STREETS, DE_CITIES, "de", "+49 151"),
    ("ES", 5, ES_FIRST, ES_LAST, ES_STREETS, ES_CITIES, "es", "+34 612"),
    ("IT", 4, IT_FIRST, IT_LAST, IT_STREETS, IT_CITIES, "it", "+39 320"),
)

HOUSE_SUFFIXES = ("", "", "", "", "", "", "bis", "ter")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

PRODUCT_NOUNS = (
    "Tasse", "Bol", "Théière", "Torchon", "Carafe", "Plaid", "Coussin", "Bougie", "Savon",
    "Panier", "Lampe", "Vase", "Assiette", "Couverture", "Tablier", "Miroir", "Cafetière",
    "Planche à découper", "Boîte à thé", "Serviette",
)
PRODUCT_MATERIALS = (
    "en grès émaillé", "en lin lavé", "en céramique", "en chêne massif", "en laine mérinos",
    "en verre soufflé", "en osier tressé", "en coton bio", "en cuivre martelé", "en métal",
)
PRODUCT_COLOURS = (
    "bleu nuit", "vert sauge", "écru", "terracotta", "gris ardoise", "rose poudré",
    "jaune moutarde", "blanc cassé", "noir mat", "bordeaux",
)

# Channel name -> external id prefix; unknown channels use their own name in capitals.
CHANNEL_PREFIXES = {"web": "WEB", "shopify": "SHOP", "marketplace": "MKT", "phone": "TEL"}
