//! The words of the pages themselves (headings, navigation, buttons, messages)
//! in each language there is a catalogue for, chosen like the content language.
//!
//! A catalogue is a struct of strings, so a language cannot lack one; a test
//! checks that none is empty and that each keeps the placeholders of the
//! English one: `{n}` (a number), `{q}` (the search text) and `{link}` (where
//! a link goes).

use serde::Serialize;

/// The interface text of one language.
#[derive(Debug, Serialize)]
pub struct Interface {
    /// The language tag the catalogue is written in.
    pub lang: &'static str,
    // Every page.
    pub skip_to_content: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    /// The name of the search box's list of suggestions.
    pub suggestions: &'static str,
    pub languages: &'static str,
    /// The name of the footer's links to the data.
    pub data: &'static str,
    pub sparql_endpoint: &'static str,
    pub named_queries: &'static str,
    /// The releases page, its heading and what each release offers.
    pub changes: &'static str,
    /// The heading of a 410 page.
    pub gone: &'static str,
    pub no_releases: &'static str,
    pub release_dump: &'static str,
    /// A concept as a release had it: before the release's name, and the
    /// link to the concept now.
    pub as_released: &'static str,
    pub current_version: &'static str,
    pub removed_since: &'static str,
    pub download_turtle: &'static str,
    pub dataset_description: &'static str,
    pub as_data: &'static str,
    pub published_with: &'static str,
    // The home page.
    /// One concept, several concepts.
    pub concept_count: [&'static str; 2],
    pub by_hierarchy: &'static str,
    pub a_to_z: &'static str,
    pub letters: &'static str,
    /// The pages of one letter of the A–Z.
    pub az_pages: &'static str,
    // A concept's page.
    pub breadcrumb: &'static str,
    pub deprecated: &'static str,
    pub use_instead: &'static str,
    pub also_called: &'static str,
    pub definition: &'static str,
    /// SKOS's documentation properties, and their heading.
    pub notes: &'static str,
    pub scope_note: &'static str,
    pub example: &'static str,
    pub note: &'static str,
    pub history_note: &'static str,
    pub change_note: &'static str,
    pub editorial_note: &'static str,
    pub key_facts: &'static str,
    pub see: &'static str,
    pub misconceptions: &'static str,
    pub often_heard: &'static str,
    pub actually: &'static str,
    pub relations: &'static str,
    /// A collection's page: what it groups, and that it is a collection.
    pub members: &'static str,
    pub collection: &'static str,
    /// A concept's page: the collections it is in.
    pub in_collections: &'static str,
    /// The home page: the collections no other collection holds.
    pub collections: &'static str,
    /// The page of how the relation types connect the top concepts.
    pub map: &'static str,
    /// The diagram's row for neighbours it leaves out: "+3 more".
    pub more: &'static str,
    /// A concept's page: the releases it appeared and changed in.
    pub history: &'static str,
    pub history_added: &'static str,
    pub history_changed: &'static str,
    pub broader: &'static str,
    pub narrower: &'static str,
    pub related: &'static str,
    pub mappings: &'static str,
    pub exact_match: &'static str,
    pub close_match: &'static str,
    /// `skos:broadMatch`: the other concept is broader.
    pub broad_match: &'static str,
    pub narrow_match: &'static str,
    pub related_match: &'static str,
    pub sources: &'static str,
    pub article: &'static str,
    pub cite: &'static str,
    // Search.
    pub search_heading: &'static str,
    pub search_title: &'static str,
    pub search_prompt: &'static str,
    /// Said without JavaScript on the results page: a static copy of the
    /// site searches in the browser only.
    pub search_needs_script: &'static str,
    /// The results page of a static copy whose search index is missing.
    pub search_unavailable: &'static str,
    /// One result, several results.
    pub results: [&'static str; 2],
    // Error pages, by status.
    pub back: &'static str,
    /// Before the concepts nearest a page not found.
    pub did_you_mean: &'static str,
    pub error: &'static str,
    pub bad_request: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    pub not_acceptable: &'static str,
    pub too_large: &'static str,
    pub unavailable: &'static str,
    // The vocabulary's page.
    pub vocabulary: &'static str,
    pub relation_types: &'static str,
    pub column_type: &'static str,
    pub column_key: &'static str,
    pub column_inverse: &'static str,
    pub column_skos: &'static str,
    pub column_fact_labels: &'static str,
    // The reconciliation preview.
    pub broader_list: &'static str,
    // Named queries and their pages.
    pub queries_intro: &'static str,
    pub default_value: &'static str,
    pub query_text: &'static str,
    pub query_in_sparql: &'static str,
    pub query_not_run: &'static str,
    pub no_parameters: &'static str,
    pub required: &'static str,
    pub hint_integer: &'static str,
    pub hint_iri: &'static str,
    pub hint_text: &'static str,
    pub run_query: &'static str,
    pub fill_in: &'static str,
    /// Shown by the script on a static copy's query page asked for other
    /// values than the page holds results for.
    pub static_query_values: &'static str,
    /// The page at `sparql` on a static copy, with and without a live
    /// endpoint to send queries to.
    pub static_sparql: &'static str,
    pub static_sparql_at: &'static str,
    pub results_heading: &'static str,
    pub ask_yes: &'static str,
    pub ask_no: &'static str,
    pub no_results: &'static str,
    pub subject: &'static str,
    pub predicate: &'static str,
    pub object: &'static str,
    pub results_as: &'static str,
    // The dataset description's page.
    pub licence: &'static str,
    pub publisher: &'static str,
    pub version: &'static str,
    pub created: &'static str,
    pub modified: &'static str,
    pub concepts: &'static str,
    pub triples: &'static str,
    pub downloads: &'static str,
    /// `{gz}` is where `.gz` goes, as code.
    pub downloads_intro: &'static str,
    pub file: &'static str,
    pub media_type: &'static str,
    pub vocabularies_used: &'static str,
    /// One, several.
    pub row_count: [&'static str; 2],
    /// One, several.
    pub triple_count: [&'static str; 2],
}

pub static EN: Interface = Interface {
    lang: "en",
    skip_to_content: "Skip to content",
    search_label: "Search the glossary",
    search_button: "Search",
    suggestions: "Suggestions",
    languages: "Languages",
    data: "Data",
    sparql_endpoint: "SPARQL endpoint",
    named_queries: "Named queries",
    changes: "Changes",
    gone: "Gone",
    no_releases: "No release has been made yet.",
    release_dump: "Snapshot (N-Quads, gzipped)",
    as_released: "As published in release",
    current_version: "The concept now",
    removed_since: "No longer in the glossary",
    download_turtle: "Download (Turtle)",
    dataset_description: "Dataset description",
    as_data: "This page as data:",
    published_with: "Published with glossgraph.",
    concept_count: ["{n} concept", "{n} concepts"],
    by_hierarchy: "Concepts by hierarchy",
    a_to_z: "A–Z",
    letters: "Letters",
    az_pages: "Pages",
    breadcrumb: "Breadcrumb",
    deprecated: "This concept is deprecated.",
    use_instead: "Use {link} instead.",
    also_called: "Also called:",
    definition: "Definition",
    notes: "Notes",
    scope_note: "Scope note",
    example: "Example",
    note: "Note",
    history_note: "History",
    change_note: "Change note",
    editorial_note: "Editorial note",
    key_facts: "Key facts",
    see: "see",
    misconceptions: "Common misconceptions",
    often_heard: "Often heard:",
    actually: "Actually:",
    relations: "Relations",
    members: "Members",
    collection: "Collection",
    in_collections: "In collections",
    collections: "Collections",
    map: "Map of relations",
    more: "more",
    history: "History",
    history_added: "added",
    history_changed: "changed",
    broader: "Broader concepts",
    narrower: "Narrower concepts",
    related: "Related concepts",
    mappings: "In other vocabularies",
    exact_match: "Same as:",
    close_match: "Close to:",
    broad_match: "Narrower than:",
    narrow_match: "Broader than:",
    related_match: "Related to:",
    sources: "Sources",
    article: "Article {n}",
    cite: "Cite this concept",
    search_heading: "Search",
    search_title: "Search: {q}",
    search_prompt: "Type a term in the search box.",
    search_needs_script: "If your search shows no results here, this copy of the glossary is published on a host that searches in the browser only: turn on JavaScript, or use the A–Z list of the home page.",
    search_unavailable: "Search is not available on this copy of the glossary: its search index is missing.",
    results: ["{n} result for “{q}”.", "{n} results for “{q}”."],
    back: "Back to the glossary",
    did_you_mean: "Did you mean:",
    error: "Error",
    bad_request: "Bad request",
    forbidden: "Not allowed",
    not_found: "Not found",
    not_acceptable: "Format not available",
    too_large: "Request too large",
    unavailable: "Service unavailable",
    vocabulary: "glossgraph vocabulary",
    relation_types: "Relation types",
    column_type: "Type",
    column_key: "Front-matter key",
    column_inverse: "Inverse",
    column_skos: "SKOS",
    column_fact_labels: "Key-fact labels",
    broader_list: "Broader:",
    queries_intro: "Documented SPARQL queries over this glossary. Open one to fill in its parameters and see its results as a table, with links to the same results as data. Programs get the format they ask for at the same address (SPARQL JSON, XML, CSV or TSV), with the parameters in the address.",
    default_value: "default",
    query_text: "Query",
    query_in_sparql: "The query in SPARQL",
    query_not_run: "The query was not run:",
    no_parameters: "This query has no parameters.",
    required: "(required)",
    hint_integer: "A whole number",
    hint_iri: "An IRI, or a path such as concept/… relative to the glossary",
    hint_text: "Text",
    run_query: "Run the query",
    fill_in: "Fill in the required parameters and run the query to see its results.",
    static_query_values: "This copy of the glossary is a set of static files: the results below are for the values in the form, not for those in the address. Other values need a live SPARQL endpoint.",
    static_sparql: "This copy of the glossary is a set of static files, with no SPARQL endpoint. The whole graph is in its downloads, for any SPARQL engine, and each named query shows its results for its default values.",
    static_sparql_at: "This copy of the glossary is a set of static files. SPARQL queries over the glossary go to its live endpoint:",
    results_heading: "Results",
    ask_yes: "Yes: the pattern matches.",
    ask_no: "No: the pattern does not match.",
    no_results: "No results.",
    subject: "Subject",
    predicate: "Predicate",
    object: "Object",
    results_as: "These results as:",
    licence: "Licence",
    publisher: "Publisher",
    version: "Version",
    created: "Created",
    modified: "Last modified",
    concepts: "Concepts",
    triples: "RDF triples",
    downloads: "Downloads",
    downloads_intro: "The whole dataset, in each format (add {gz} for a compressed file):",
    file: "File",
    media_type: "Media type",
    vocabularies_used: "Vocabularies used",
    row_count: ["{n} result.", "{n} results."],
    triple_count: ["{n} triple.", "{n} triples."],
};

pub static DE: Interface = Interface {
    lang: "de",
    skip_to_content: "Zum Inhalt springen",
    search_label: "Im Glossar suchen",
    search_button: "Suchen",
    suggestions: "Vorschläge",
    languages: "Sprachen",
    data: "Daten",
    sparql_endpoint: "SPARQL-Endpunkt",
    named_queries: "Vordefinierte Abfragen",
    changes: "Änderungen",
    gone: "Nicht mehr vorhanden",
    no_releases: "Es gibt noch keine Veröffentlichung.",
    release_dump: "Schnappschuss (N-Quads, gzip)",
    as_released: "Wie veröffentlicht in Version",
    current_version: "Der Begriff heute",
    removed_since: "Nicht mehr im Glossar",
    download_turtle: "Herunterladen (Turtle)",
    dataset_description: "Beschreibung des Datensatzes",
    as_data: "Diese Seite als Daten:",
    published_with: "Veröffentlicht mit glossgraph.",
    concept_count: ["{n} Begriff", "{n} Begriffe"],
    by_hierarchy: "Begriffe nach Hierarchie",
    a_to_z: "A–Z",
    letters: "Buchstaben",
    az_pages: "Seiten",
    breadcrumb: "Navigationspfad",
    deprecated: "Dieser Begriff ist veraltet.",
    use_instead: "Verwenden Sie stattdessen {link}.",
    also_called: "Auch bezeichnet als:",
    definition: "Definition",
    notes: "Anmerkungen",
    scope_note: "Verwendungshinweis",
    example: "Beispiel",
    note: "Anmerkung",
    history_note: "Geschichte",
    change_note: "Änderungshinweis",
    editorial_note: "Redaktioneller Hinweis",
    key_facts: "Wichtige Fakten",
    see: "siehe",
    misconceptions: "Häufige Missverständnisse",
    often_heard: "Oft gehört:",
    actually: "Tatsächlich:",
    relations: "Beziehungen",
    members: "Mitglieder",
    collection: "Sammlung",
    in_collections: "In Sammlungen",
    collections: "Sammlungen",
    map: "Karte der Beziehungen",
    more: "weitere",
    history: "Versionsgeschichte",
    history_added: "aufgenommen",
    history_changed: "geändert",
    broader: "Oberbegriffe",
    narrower: "Unterbegriffe",
    related: "Verwandte Begriffe",
    mappings: "In anderen Vokabularen",
    exact_match: "Entspricht:",
    close_match: "Ähnlich wie:",
    broad_match: "Enger als:",
    narrow_match: "Weiter als:",
    related_match: "Verwandt mit:",
    sources: "Quellen",
    article: "Artikel {n}",
    cite: "Diesen Begriff zitieren",
    search_heading: "Suche",
    search_title: "Suche: {q}",
    search_prompt: "Geben Sie einen Begriff in das Suchfeld ein.",
    search_needs_script: "Zeigt Ihre Suche hier keine Treffer, ist diese Kopie des Glossars auf einem Server veröffentlicht, der nur im Browser sucht: Schalten Sie JavaScript ein oder nutzen Sie die A–Z-Liste der Startseite.",
    search_unavailable: "Die Suche ist in dieser Kopie des Glossars nicht verfügbar: Ihr Suchindex fehlt.",
    results: ["{n} Treffer für „{q}“.", "{n} Treffer für „{q}“."],
    back: "Zurück zum Glossar",
    did_you_mean: "Meinten Sie:",
    error: "Fehler",
    bad_request: "Ungültige Anfrage",
    forbidden: "Nicht erlaubt",
    not_found: "Nicht gefunden",
    not_acceptable: "Format nicht verfügbar",
    too_large: "Anfrage zu groß",
    unavailable: "Dienst nicht verfügbar",
    vocabulary: "glossgraph-Vokabular",
    relation_types: "Beziehungstypen",
    column_type: "Typ",
    column_key: "Schlüssel im Front Matter",
    column_inverse: "Umkehrung",
    column_skos: "SKOS",
    column_fact_labels: "Bezeichnungen wichtiger Fakten",
    broader_list: "Oberbegriffe:",
    queries_intro: "Dokumentierte SPARQL-Abfragen über dieses Glossar. Öffnen Sie eine, um ihre Parameter auszufüllen und ihre Ergebnisse als Tabelle zu sehen, mit Links zu denselben Ergebnissen als Daten. Programme erhalten unter derselben Adresse das Format, das sie anfordern (SPARQL JSON, XML, CSV oder TSV), mit den Parametern in der Adresse.",
    default_value: "Standardwert",
    query_text: "Abfrage",
    query_in_sparql: "Die Abfrage in SPARQL",
    query_not_run: "Die Abfrage wurde nicht ausgeführt:",
    no_parameters: "Diese Abfrage hat keine Parameter.",
    required: "(erforderlich)",
    hint_integer: "Eine ganze Zahl",
    hint_iri: "Eine IRI oder ein Pfad relativ zum Glossar, etwa concept/…",
    hint_text: "Text",
    run_query: "Abfrage ausführen",
    fill_in: "Füllen Sie die erforderlichen Parameter aus und führen Sie die Abfrage aus, um ihre Ergebnisse zu sehen.",
    static_query_values: "Diese Kopie des Glossars besteht aus statischen Dateien: Die Ergebnisse unten gelten für die Werte im Formular, nicht für die in der Adresse. Andere Werte brauchen einen laufenden SPARQL-Endpunkt.",
    static_sparql: "Diese Kopie des Glossars besteht aus statischen Dateien, ohne SPARQL-Endpunkt. Der ganze Graph steht in ihren Downloads, für jede SPARQL-Engine, und jede benannte Abfrage zeigt ihre Ergebnisse für ihre Standardwerte.",
    static_sparql_at: "Diese Kopie des Glossars besteht aus statischen Dateien. SPARQL-Abfragen über das Glossar gehen an seinen laufenden Endpunkt:",
    results_heading: "Ergebnisse",
    ask_yes: "Ja: Das Muster trifft zu.",
    ask_no: "Nein: Das Muster trifft nicht zu.",
    no_results: "Keine Ergebnisse.",
    subject: "Subjekt",
    predicate: "Prädikat",
    object: "Objekt",
    results_as: "Diese Ergebnisse als:",
    licence: "Lizenz",
    publisher: "Herausgeber",
    version: "Version",
    created: "Erstellt",
    modified: "Zuletzt geändert",
    concepts: "Begriffe",
    triples: "RDF-Tripel",
    downloads: "Downloads",
    downloads_intro: "Der gesamte Datensatz in jedem Format (mit angehängtem {gz} komprimiert):",
    file: "Datei",
    media_type: "Medientyp",
    vocabularies_used: "Verwendete Vokabulare",
    row_count: ["{n} Ergebnis.", "{n} Ergebnisse."],
    triple_count: ["{n} Tripel.", "{n} Tripel."],
};

pub static FR: Interface = Interface {
    lang: "fr",
    skip_to_content: "Aller au contenu",
    search_label: "Rechercher dans le glossaire",
    search_button: "Rechercher",
    suggestions: "Suggestions",
    languages: "Langues",
    data: "Données",
    sparql_endpoint: "Point d’accès SPARQL",
    named_queries: "Requêtes prédéfinies",
    changes: "Modifications",
    gone: "Disparu",
    no_releases: "Aucune version n’a encore été publiée.",
    release_dump: "Instantané (N-Quads, gzip)",
    as_released: "Tel que publié dans la version",
    current_version: "Le concept aujourd’hui",
    removed_since: "N’est plus dans le glossaire",
    download_turtle: "Télécharger (Turtle)",
    dataset_description: "Description du jeu de données",
    as_data: "Cette page en données\u{a0}:",
    published_with: "Publié avec glossgraph.",
    concept_count: ["{n} concept", "{n} concepts"],
    by_hierarchy: "Concepts par hiérarchie",
    a_to_z: "A–Z",
    letters: "Lettres",
    az_pages: "Pages",
    breadcrumb: "Fil d’Ariane",
    deprecated: "Ce concept est obsolète.",
    use_instead: "Utilisez plutôt {link}.",
    also_called: "Autres termes\u{a0}:",
    definition: "Définition",
    notes: "Notes",
    scope_note: "Note d’application",
    example: "Exemple",
    note: "Note",
    history_note: "Historique",
    change_note: "Note de modification",
    editorial_note: "Note éditoriale",
    key_facts: "Points clés",
    see: "voir",
    misconceptions: "Idées reçues",
    often_heard: "On entend souvent\u{a0}:",
    actually: "En réalité\u{a0}:",
    relations: "Relations",
    members: "Membres",
    collection: "Collection",
    in_collections: "Dans les collections",
    collections: "Collections",
    map: "Carte des relations",
    more: "de plus",
    history: "Historique",
    history_added: "ajouté",
    history_changed: "modifié",
    broader: "Termes génériques",
    narrower: "Termes spécifiques",
    related: "Termes associés",
    mappings: "Dans d’autres vocabulaires",
    exact_match: "Équivaut à\u{a0}:",
    close_match: "Proche de\u{a0}:",
    broad_match: "Plus spécifique que\u{a0}:",
    narrow_match: "Plus générique que\u{a0}:",
    related_match: "Associé à\u{a0}:",
    sources: "Sources",
    article: "Article {n}",
    cite: "Citer ce concept",
    search_heading: "Recherche",
    search_title: "Recherche\u{a0}: {q}",
    search_prompt: "Saisissez un terme dans le champ de recherche.",
    search_needs_script: "Si votre recherche n’affiche aucun résultat ici, cette copie du glossaire est publiée sur un hébergement qui ne cherche que dans le navigateur\u{a0}: activez JavaScript, ou utilisez la liste A–Z de la page d’accueil.",
    search_unavailable: "La recherche n’est pas disponible sur cette copie du glossaire\u{a0}: son index de recherche manque.",
    results: [
        "{n} résultat pour «\u{a0}{q}\u{a0}».",
        "{n} résultats pour «\u{a0}{q}\u{a0}».",
    ],
    back: "Retour au glossaire",
    did_you_mean: "Vouliez-vous dire\u{a0}:",
    error: "Erreur",
    bad_request: "Requête invalide",
    forbidden: "Action interdite",
    not_found: "Page introuvable",
    not_acceptable: "Format non disponible",
    too_large: "Requête trop volumineuse",
    unavailable: "Service indisponible",
    vocabulary: "Vocabulaire glossgraph",
    relation_types: "Types de relations",
    column_type: "Type",
    column_key: "Clé d’en-tête",
    column_inverse: "Inverse",
    column_skos: "SKOS",
    column_fact_labels: "Libellés de points clés",
    broader_list: "Termes génériques\u{a0}:",
    queries_intro: "Des requêtes SPARQL documentées sur ce glossaire. Ouvrez-en une pour renseigner ses paramètres et voir ses résultats sous forme de tableau, avec des liens vers les mêmes résultats sous forme de données. Les programmes obtiennent à la même adresse le format qu’ils demandent (SPARQL JSON, XML, CSV ou TSV), avec les paramètres dans l’adresse.",
    default_value: "valeur par défaut",
    query_text: "Requête",
    query_in_sparql: "La requête en SPARQL",
    query_not_run: "La requête n’a pas été exécutée\u{a0}:",
    no_parameters: "Cette requête n’a pas de paramètres.",
    required: "(obligatoire)",
    hint_integer: "Un nombre entier",
    hint_iri: "Une IRI, ou un chemin relatif au glossaire comme concept/…",
    hint_text: "Texte",
    run_query: "Exécuter la requête",
    fill_in: "Renseignez les paramètres obligatoires et exécutez la requête pour en voir les résultats.",
    static_query_values: "Cette copie du glossaire est un ensemble de fichiers statiques\u{a0}: les résultats ci-dessous valent pour les valeurs du formulaire, non pour celles de l’adresse. D’autres valeurs demandent un point d’accès SPARQL en service.",
    static_sparql: "Cette copie du glossaire est un ensemble de fichiers statiques, sans point d’accès SPARQL. Le graphe entier est dans ses téléchargements, pour tout moteur SPARQL, et chaque requête nommée montre ses résultats pour ses valeurs par défaut.",
    static_sparql_at: "Cette copie du glossaire est un ensemble de fichiers statiques. Les requêtes SPARQL sur le glossaire vont à son point d’accès en service\u{a0}:",
    results_heading: "Résultats",
    ask_yes: "Oui\u{a0}: le motif correspond.",
    ask_no: "Non\u{a0}: le motif ne correspond pas.",
    no_results: "Aucun résultat.",
    subject: "Sujet",
    predicate: "Prédicat",
    object: "Objet",
    results_as: "Ces résultats en\u{a0}:",
    licence: "Licence",
    publisher: "Éditeur",
    version: "Version",
    created: "Créé le",
    modified: "Dernière modification",
    concepts: "Concepts",
    triples: "Triplets RDF",
    downloads: "Téléchargements",
    downloads_intro: "L’ensemble des données, dans chaque format (ajoutez {gz} pour un fichier compressé)\u{a0}:",
    file: "Fichier",
    media_type: "Type de média",
    vocabularies_used: "Vocabulaires utilisés",
    row_count: ["{n} résultat.", "{n} résultats."],
    triple_count: ["{n} triplet.", "{n} triplets."],
};

/// Every catalogue; English is the last resort.
pub static CATALOGUES: [&Interface; 3] = [&EN, &DE, &FR];

impl Interface {
    /// The catalogue for the reader's language `lang` (or its primary
    /// subtag), else for the first of `fallback` (the glossary's languages,
    /// in order) that has one, else English.
    pub fn choose(lang: &str, fallback: &[String]) -> &'static Self {
        std::iter::once(lang)
            .chain(fallback.iter().map(String::as_str))
            .find_map(|tag| CATALOGUES.iter().find(|c| c.speaks(tag)))
            .copied()
            .unwrap_or(&EN)
    }

    /// Whether this catalogue is in `tag`'s language (`de` speaks `de-AT`).
    pub fn speaks(&self, tag: &str) -> bool {
        let primary = tag.split('-').next().unwrap_or_default();
        primary.eq_ignore_ascii_case(self.lang)
    }

    /// The language of a page for a reader who chose `lang`: theirs when this
    /// catalogue speaks it, else the catalogue's, and what is shown in `lang`
    /// is then marked as such.
    pub fn page_language<'a>(&self, lang: &'a str) -> &'a str {
        if self.speaks(lang) { lang } else { self.lang }
    }

    /// "44 concepts".
    pub fn concepts(&self, n: usize) -> String {
        self.count(&self.concept_count, n)
    }

    /// `forms` (one, several) for `n`, with `{n}` filled in.
    fn count(&self, forms: &[&str; 2], n: usize) -> String {
        // French counts zero as one.
        let one = n == 1 || (n == 0 && self.lang == "fr");
        forms[usize::from(!one)].replace("{n}", &n.to_string())
    }

    /// "Article 5" in this language.
    pub fn article(&self, number: &str) -> String {
        self.article.replace("{n}", number)
    }

    /// The search page's title for `query`.
    pub fn search_title(&self, query: &str) -> String {
        self.search_title.replace("{q}", query)
    }

    /// "3 results for “office”.".
    pub fn results(&self, n: usize, query: &str) -> String {
        self.count(&self.results, n).replace("{q}", query)
    }

    /// The text before and after the link to a deprecated concept's replacement.
    pub fn around_replacement(&self) -> (&'static str, &'static str) {
        self.use_instead
            .split_once("{link}")
            .unwrap_or((self.use_instead, ""))
    }

    /// "3 results." or "3 triples.", above a query's answer.
    pub fn rows(&self, n: usize, graph: bool) -> String {
        let forms = if graph {
            &self.triple_count
        } else {
            &self.row_count
        };
        self.count(forms, n)
    }

    /// The text before and after `.gz` in the downloads' introduction.
    pub fn around_gz(&self) -> (&'static str, &'static str) {
        self.downloads_intro
            .split_once("{gz}")
            .unwrap_or((self.downloads_intro, ""))
    }

    /// The heading of an error page with HTTP status `status`.
    pub fn status(&self, status: u16) -> &'static str {
        match status {
            400 => self.bad_request,
            403 => self.forbidden,
            404 => self.not_found,
            406 => self.not_acceptable,
            410 => self.gone,
            413 => self.too_large,
            503 => self.unavailable,
            _ => self.error,
        }
    }

    /// Every string, by field name, for the tests: the one-and-several pairs
    /// as two strings each.
    pub fn strings(&self) -> Vec<(String, String)> {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, value) in fields {
            match value {
                serde_json::Value::String(s) => out.push((name, s)),
                serde_json::Value::Array(forms) => {
                    out.extend(forms.into_iter().enumerate().map(|(i, f)| {
                        (
                            format!("{name}[{i}]"),
                            f.as_str().unwrap_or_default().into(),
                        )
                    }))
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = ["{n}", "{q}", "{link}"]
            .into_iter()
            .filter(|p| text.contains(p))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_catalogue_has_every_string_with_the_same_placeholders() {
        let english = EN.strings();
        assert!(english.len() > 60, "{}", english.len());
        for catalogue in CATALOGUES {
            let strings = catalogue.strings();
            let names: Vec<&String> = strings.iter().map(|(n, _)| n).collect();
            let expected: Vec<&String> = english.iter().map(|(n, _)| n).collect();
            assert_eq!(names, expected, "{}", catalogue.lang);
            for ((name, text), (_, en)) in strings.iter().zip(&english) {
                assert!(
                    !text.trim().is_empty(),
                    "{}: `{name}` is empty",
                    catalogue.lang
                );
                assert_eq!(
                    placeholders(text),
                    placeholders(en),
                    "{}: `{name}` is {text:?}",
                    catalogue.lang
                );
                assert_eq!(text.trim(), text, "{}: `{name}`", catalogue.lang);
            }
        }
    }

    #[test]
    fn the_catalogue_follows_the_readers_language_then_the_glossarys() {
        let glossary = ["es".to_owned(), "de".to_owned(), "en".to_owned()];
        assert_eq!(Interface::choose("fr", &glossary).lang, "fr");
        assert_eq!(Interface::choose("de-AT", &glossary).lang, "de");
        assert_eq!(Interface::choose("es", &glossary).lang, "de");
        assert_eq!(Interface::choose("es", &[]).lang, "en");
        assert_eq!(DE.page_language("de-AT"), "de-AT");
        assert_eq!(DE.page_language("es"), "de");
    }

    #[test]
    fn counts_and_patterns_are_filled() {
        assert_eq!(EN.concepts(1), "1 concept");
        assert_eq!(DE.concepts(44), "44 Begriffe");
        assert_eq!(FR.results(0, "x"), "0 résultat pour «\u{a0}x\u{a0}».");
        assert_eq!(EN.results(0, "x"), "0 results for “x”.");
        assert_eq!(DE.around_replacement(), ("Verwenden Sie stattdessen ", "."));
        assert_eq!(DE.status(404), "Nicht gefunden");
        assert_eq!(FR.status(500), "Erreur");
    }
}
