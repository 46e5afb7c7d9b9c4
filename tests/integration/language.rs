//! Pages in the reader's language: the interface text from the catalogue of
//! the language chosen for the content, `lang` on whatever is shown in another
//! language, and links that keep the choice. In process, on the small
//! glossary in `tests/fixtures/server` (English, German and French labels).

use crate::util::TestApp;
use glossgraph::server::interface::{self, Interface};
use scraper::{Html, Node};

const HTML: (&str, &str) = ("accept", "text/html");

/// The pages every language is checked on (a 404 and a search among them).
const PAGES: &[&str] = &[
    "/",
    "/concept/board",
    "/concept/office",
    "/concept/xss",
    "/resource?iri=https%3A%2F%2Fglossary.test%2Fconcept%2Foffice",
    "/ontology",
    "/search",
    "/search?q=board",
    "/search?q=bureau",
    "/search?q=zzzzzz",
    "/concept/no-such-concept",
    "/concept/bord",
    "/queries",
    "/dataset",
];

/// The English interface strings `catalogue` words differently, as the
/// pieces around their placeholders that a page could show.
fn english_words(catalogue: &Interface) -> Vec<String> {
    let mut words = Vec::new();
    for ((name, en), (_, other)) in interface::EN.strings().into_iter().zip(catalogue.strings()) {
        if en == other || name == "lang" {
            continue;
        }
        for piece in en
            .split(['{', '}'])
            .filter(|p| !["n", "q", "link", "gz"].contains(p))
        {
            let piece = piece.trim().trim_end_matches(':').trim();
            if piece.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                words.push(piece.to_owned());
            } else {
                assert!(
                    piece.chars().all(|c| !c.is_alphabetic()),
                    "`{name}`: {piece:?}"
                );
            }
        }
    }
    words
}

/// Every text and label of `page` that is in the page's own language (no
/// element around it says otherwise), with the page's language.
fn own_language_texts(page: &str) -> (String, Vec<String>) {
    let html = Html::parse_document(page);
    let lang = html
        .root_element()
        .attr("lang")
        .unwrap_or_default()
        .to_owned();
    let mut texts = Vec::new();
    for node in html.tree.root().descendants() {
        // An element's own `lang`, else its nearest ancestor's.
        let nearest = std::iter::once(node)
            .chain(node.ancestors())
            .find_map(|n| n.value().as_element().and_then(|e| e.attr("lang")));
        if nearest.is_some_and(|l| l != lang) {
            continue;
        }
        match node.value() {
            Node::Text(text) => {
                let parent = node
                    .parent()
                    .and_then(|p| p.value().as_element().map(|e| e.name().to_owned()));
                // Code (IRIs, keys) is in no language.
                if !matches!(parent.as_deref(), Some("script" | "style" | "code")) {
                    texts.push(text.text.to_string());
                }
            }
            Node::Element(e) => texts.extend(
                ["aria-label", "data-suggestions", "title", "placeholder"]
                    .into_iter()
                    .filter_map(|a| e.attr(a).map(str::to_owned)),
            ),
            _ => {}
        }
    }
    (lang, texts)
}

#[test]
fn german_and_french_pages_keep_no_english_interface_text() {
    let app = TestApp::fixture();
    for catalogue in [&interface::DE, &interface::FR] {
        let words = english_words(catalogue);
        assert!(words.len() > 50, "{}: {words:?}", catalogue.lang);
        for path in PAGES {
            let join = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{join}lang={}", catalogue.lang);
            let page = app.get(&url, &[HTML]).text();
            let (lang, texts) = own_language_texts(&page);
            assert_eq!(lang, catalogue.lang, "{url}");
            for text in &texts {
                for word in &words {
                    assert!(
                        !text.contains(word.as_str()),
                        "{url}: “{word}” in {text:?}\n{page}"
                    );
                }
            }
        }
    }
    // The same words are there in English: the check looks where they would be.
    let english = app.get("/concept/office", &[HTML]).text();
    for word in [
        "Key facts",
        "Common misconceptions",
        "Search the glossary",
        "Cite this concept",
    ] {
        assert!(english.contains(word), "{word}");
    }
}

#[test]
fn the_interface_follows_the_language_chosen_for_the_content() {
    let app = TestApp::fixture();
    let page = |path: &str, headers: &[(&str, &str)]| {
        let mut all = vec![HTML];
        all.extend_from_slice(headers);
        app.get(path, &all).text()
    };
    let german = page("/concept/office", &[("accept-language", "de-AT,de;q=0.9")]);
    assert!(german.contains("<html lang=\"de\">"), "{german}");
    assert!(german.contains("<h2 id=\"facts\">Wichtige Fakten</h2>"));
    assert!(german.contains("<h2 id=\"misconceptions\">Häufige Missverständnisse</h2>"));
    assert!(german.contains("<strong>Oft gehört:</strong>"));
    let french = page("/concept/board?lang=fr", &[("accept-language", "de")]);
    assert!(french.contains("<html lang=\"fr\">"));
    assert!(french.contains("<h1>Comité</h1>"), "{french}");
    assert!(french.contains("<h2 id=\"cite\">Citer ce concept</h2>"));
    let home = page("/?lang=de", &[]);
    assert!(home.contains("<p class=\"count\">3 Begriffe</p>"), "{home}");
    assert!(home.contains("<h2 id=\"tree\">Begriffe nach Hierarchie</h2>"));
    let search = page("/search?q=board&lang=fr", &[]);
    assert!(search.contains(" pour «\u{a0}board\u{a0}»."), "{search}");
    assert!(search.contains("<h1>Recherche</h1>"));
    // An error page too, in the language asked for by the query or the header.
    let missing = page("/concept/nothing?lang=de", &[]);
    assert!(missing.contains("<h1>Nicht gefunden</h1>"), "{missing}");
    assert!(missing.contains("Zurück zum Glossar"));
    let typo = page("/concept/bord?lang=de", &[]);
    assert!(typo.contains("<p>Meinten Sie:</p>"), "{typo}");
    assert!(typo.contains("?lang=de\">Ausschuss</a>"), "{typo}");
    let missing = page("/concept/nothing", &[("accept-language", "fr")]);
    assert!(missing.contains("<h1>Page introuvable</h1>"), "{missing}");
    // The reconciliation preview.
    let preview = app
        .get(
            "/reconcile/preview?id=https%3A%2F%2Fglossary.test%2Fconcept%2Foffice&lang=de",
            &[],
        )
        .text();
    assert!(preview.contains("<html lang=\"de\">"), "{preview}");
    assert!(preview.contains("Oberbegriffe: Ausschuss"), "{preview}");
}

#[test]
fn text_in_another_language_says_which() {
    let app = TestApp::fixture();
    let page = |path: &str| app.get(path, &[HTML]).text();
    // The office has a German label but only English prose.
    let german = page("/concept/office?lang=de");
    for expected in [
        "<h1>Büro</h1>",
        "<span lang=\"en\">A body that supervises.</span>",
        "<section lang=\"en\">\n<h2>What it is</h2>",
        "<dt lang=\"en\">Location</dt><dd><span lang=\"en\">in the board</span>",
        "<strong>Oft gehört:</strong> <span lang=\"en\">It is independent.</span>",
        // Relation types are named by the vocabulary, which names them in German too.
        "<dt>Teil von</dt>",
        "href=\"../concept/board?lang=de\">Ausschuss</a>",
    ] {
        assert!(german.contains(expected), "lacks {expected}\n{german}");
    }
    // No French label: the English one says so, wherever it is shown.
    let french = page("/concept/office?lang=fr");
    assert!(french.contains("<h1 lang=\"en\">Office</h1>"), "{french}");
    assert!(french.contains("<li aria-current=\"page\" lang=\"en\">Office</li>"));
    let home = page("/?lang=fr");
    assert!(
        home.contains("<h1 lang=\"en\">Test glossary</h1>"),
        "{home}"
    );
    assert!(home.contains("<p class=\"lead\" lang=\"en\">A glossary for the server"));
    assert!(home.contains(">Comité</a>"));
    assert!(home.contains("lang=\"en\">Office</a>"));
    // A label that matched in another language than the page's.
    let search = page("/search?q=bureau&lang=de");
    assert!(
        search.contains("(<span lang=\"en\">Bureau</span>)"),
        "{search}"
    );
    // The server's own messages are English.
    let missing = page("/concept/nothing?lang=fr");
    assert!(
        missing.contains("<p lang=\"en\">there is no concept"),
        "{missing}"
    );
    // In English, nothing in the content is marked: it all is in English.
    let english = page("/concept/office");
    let main = english.split("<main").nth(1).unwrap_or_default();
    assert!(!main.contains(" lang="), "{main}");
}

#[test]
fn links_keep_the_language_chosen() {
    let app = TestApp::fixture();
    let page = |path: &str| app.get(path, &[HTML]).text();
    let german = page("/concept/board?lang=de");
    for expected in [
        // The site's name, the footer and the language switcher.
        "<a href=\"../?lang=de\">Testglossar</a>",
        "<a href=\"../queries?lang=de\">Vordefinierte Abfragen</a>",
        "<a href=\"../concept/board?lang=fr\" hreflang=\"fr\" lang=\"fr\">fr</a>",
        "<input type=\"hidden\" name=\"lang\" value=\"de\">",
    ] {
        assert!(german.contains(expected), "lacks {expected}\n{german}");
    }
    // The switcher on a results page keeps the search.
    let search = page("/search?q=b%C3%BCro&lang=de");
    assert!(
        search.contains("href=\"search?q=b%C3%BCro&#38;lang=fr\""),
        "{search}"
    );
    let missing = page("/concept/nothing?lang=fr");
    assert!(
        missing.contains("<a href=\"/?lang=fr\">Retour au glossaire</a>"),
        "{missing}"
    );
}
