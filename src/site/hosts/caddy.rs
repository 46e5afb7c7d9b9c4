//! Caddy 2 (2.6, as Debian ships it): maps choose a variant from `Accept`; in
//! one `route`, a `handle` per shape captures the name, picks the file and
//! its class, then a `header` per class sets type and headers before
//! `file_server` sends it (keeping a `Content-Type` already set).

use super::{Answer, NAME, Otherwise, Rules, Shape, escape, ladder};
use std::fmt::Write;

/// The range map's answer when there is no `Accept` header.
const NO_HEADER: &str = "(none)";
/// A shape's map answer when no range names a type the address has.
const REFUSED: &str = "406";
/// Where the captured name is kept for the class headers.
const NAME_VAR: &str = "{http.vars.gg_n}";

/// A Caddyfile token: backquoted, which Caddy reads with no escapes.
fn quote(text: &str) -> String {
    if text.contains('`') {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        format!("`{text}`")
    }
}

/// `text` with its braces escaped, so that Caddy does not take them for
/// placeholders, and [`NAME`] replaced by `name`.
fn literal(text: &str, name: &str) -> String {
    text.split(NAME)
        .map(|piece| piece.replace('{', "\\{").replace('}', "\\}"))
        .collect::<Vec<_>>()
        .join(name)
}

/// For `import` in the site block whose `root` is the site folder.
pub fn caddyfile(rules: &Rules) -> String {
    let base = &rules.base_path;
    let mut out = String::from(
        "# Written by `glossgraph site`: import in the Caddy site block whose\n# `root` is this folder.\n\n",
    );
    let _ = writeln!(out, "route {base}* {{");
    for (i, types) in rules.type_sets.iter().enumerate() {
        let _ = writeln!(out, "\tmap {{header.Accept}} {{gg_range_{i}}} {{");
        let _ = writeln!(out, "\t\t\"\" {}", quote(NO_HEADER));
        for regex in ladder(types) {
            let _ = writeln!(out, "\t\t{} ${{1}}", quote(&format!("~(?i){regex}")));
        }
        out.push_str("\t\tdefault \"\"\n\t}\n");
    }
    for (s, (shape, _)) in rules.shapes.iter().enumerate() {
        if let Answer::Negotiated { .. } = shape.answer {
            choice(&mut out, s, shape);
        }
    }
    // `route` keeps the written order but runs every `handle` that matches,
    // and a rewritten address matches another shape (`x.ttl` is a bare
    // name too); inside a `handle`, only the first that matches is run, and
    // named matchers keep their order.
    out.push_str("\thandle {\n");
    for line in shapes(rules).lines() {
        let _ = writeln!(out, "\t\t{line}");
    }
    out.push_str("\t}\n");
    for (i, class) in rules.classes.iter().enumerate() {
        let _ = writeln!(out, "\t@gg_c{i} vars gg_class {i}");
        let _ = writeln!(out, "\theader @gg_c{i} {{");
        if !class.content_type.is_empty() {
            let _ = writeln!(
                out,
                "\t\tContent-Type {}",
                quote(&literal(&class.content_type, ""))
            );
        }
        for (name, value) in &class.headers {
            let value = literal(value, NAME_VAR);
            let _ = writeln!(out, "\t\t{name} {}", quote(&value));
        }
        out.push_str("\t}\n");
    }
    out.push_str("\t@gg_406 vars gg_status 406\n");
    out.push_str("\tfile_server @gg_406 {\n\t\tstatus 406\n\t\tdisable_canonical_uris\n\t}\n");
    out.push_str("\tfile_server {\n\t\tdisable_canonical_uris\n\t}\n}\n\n");
    // The class headers of what failed are not the page's.
    let _ = writeln!(
        out,
        "handle_errors {{\n\t@gg_404 expression `{{http.error.status_code}} == 404 && {{http.request.orig_uri.path}}.startsWith({})`",
        quote_cel(base)
    );
    let _ = writeln!(
        out,
        "\thandle @gg_404 {{\n\t\trewrite * /{}\n\t\theader {{\n\t\t\tContent-Type `text/html; charset=utf-8`\n\t\t\t-Content-Location\n\t\t\t-Link\n\t\t}}\n\t\tfile_server {{\n\t\t\tstatus 404\n\t\t\tdisable_canonical_uris\n\t\t}}\n\t}}\n}}",
        rules.not_found
    );
    out
}

/// A `handle` for each shape, then one for anything else (a file at its own
/// address).
fn shapes(rules: &Rules) -> String {
    let base = &rules.base_path;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "@gg_private path_regexp {}",
        quote(&format!(
            "^{}(?:/|$)",
            escape(&format!("{base}.glossgraph"))
        ))
    );
    out.push_str("handle @gg_private {\n\terror 404\n}\n");
    // An address many share is one regular expression; the others are
    // written out whole, and come first. Files come before bare addresses,
    // which would match them too.
    let mut shared = Vec::new();
    for (s, (shape, names)) in rules.shapes.iter().enumerate() {
        if rules.written_out(s) {
            for (n, name) in names.iter().enumerate() {
                let path = format!("{base}{}{name}{}", shape.dir, shape.suffix);
                let matcher = format!("gg_s{s}_{n}");
                let _ = writeln!(
                    out,
                    "@{matcher} path_regexp {}",
                    quote(&format!("^{}$", escape(&path)))
                );
                body(&mut out, s, shape, &matcher, &literal(name, ""));
            }
        } else {
            shared.push(s);
        }
    }
    shared.sort_by_key(|s| rules.shapes[*s].0.suffix.is_empty());
    for s in shared {
        let (shape, _) = &rules.shapes[s];
        let matcher = format!("gg_s{s}");
        let regex = format!(
            "^{}([^/]+){}$",
            escape(&format!("{base}{}", shape.dir)),
            escape(&shape.suffix)
        );
        let _ = writeln!(out, "@{matcher} path_regexp {matcher} {}", quote(&regex));
        let name = format!("{{re.{matcher}.1}}");
        body(&mut out, s, shape, &matcher, &name);
    }
    if let Some(prefix) = base.strip_suffix('/').filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "handle {{\n\turi strip_prefix {prefix}\n}}");
    }
    out
}

/// A string in CEL, Caddy's expression language.
fn quote_cel(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The map from the deciding range to the variant of shape `s`.
fn choice(out: &mut String, s: usize, shape: &Shape) {
    let Answer::Negotiated {
        types,
        tokens,
        default,
        otherwise,
        ..
    } = &shape.answer
    else {
        return;
    };
    let _ = writeln!(out, "\tmap {{gg_range_{types}}} {{gg_to_{s}}} {{");
    let _ = writeln!(out, "\t\t{} {default}", quote(NO_HEADER));
    for (token, v) in tokens {
        let key = match token.split_once(';') {
            Some((essence, _)) => {
                // A profile list asks for its first IRI's form (the others
                // are what that form also is).
                let first = token.split('#').nth(1).unwrap_or("");
                let first = first.split_whitespace().next().unwrap_or("");
                format!(
                    "~(?i)^{}\\s*;\\s*profile=\"?[^\"#,;]*#{}",
                    escape(essence),
                    escape(first.trim_end_matches('"'))
                )
            }
            None => format!("~(?i)^{}$", escape(token)),
        };
        let _ = writeln!(out, "\t\t{} {v}", quote(&key));
    }
    match otherwise {
        Otherwise::Variant(v) => {
            let _ = writeln!(out, "\t\tdefault {v}");
        }
        Otherwise::NotAcceptable { .. } => {
            let _ = writeln!(out, "\t\tdefault {REFUSED}");
        }
    }
    out.push_str("\t}\n");
}

/// The `handle` of shape `s` for the addresses `matcher` matches, with
/// `name` the name (a placeholder where it is captured).
fn body(out: &mut String, s: usize, shape: &Shape, matcher: &str, name: &str) {
    let _ = writeln!(out, "handle @{matcher} {{");
    let _ = writeln!(out, "\tvars gg_n {}", quote(name));
    let file = |file: &str| quote(&format!("/{}", literal(file, name)));
    match &shape.answer {
        Answer::File { class } => {
            let _ = writeln!(out, "\tvars gg_class {class}");
            let target = format!("{}{NAME}{}", shape.dir, shape.suffix);
            let _ = writeln!(out, "\trewrite * {}", file(&target));
        }
        Answer::Negotiated {
            variants,
            default,
            otherwise,
            ..
        } => {
            // An address that holds nothing is 404 whatever was asked.
            let _ = writeln!(
                out,
                "\t@{matcher}_none not file {}",
                file(&variants[*default].1)
            );
            let _ = writeln!(out, "\terror @{matcher}_none 404");
            for (v, (class, target)) in variants.iter().enumerate() {
                let _ = writeln!(out, "\t@{matcher}_v{v} vars {{gg_to_{s}}} {v}");
                let _ = writeln!(out, "\tvars @{matcher}_v{v} gg_class {class}");
                let _ = writeln!(out, "\trewrite @{matcher}_v{v} {}", file(target));
            }
            if let Otherwise::NotAcceptable { class, file: body } = otherwise {
                let _ = writeln!(out, "\t@{matcher}_no vars {{gg_to_{s}}} {REFUSED}");
                let _ = writeln!(out, "\tvars @{matcher}_no {{");
                let _ = writeln!(out, "\t\tgg_class {class}\n\t\tgg_status 406\n\t}}");
                let _ = writeln!(out, "\trewrite @{matcher}_no {}", file(body));
            }
        }
    }
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Negotiated, Otherwise as SiteOtherwise, Site, Variant};

    /// A site published under `/glossary/`: two concepts, each with a page
    /// and a Turtle file, negotiated at the bare address.
    fn site_under_a_path() -> Site {
        let mut site = Site {
            base_path: "/glossary/".to_owned(),
            not_found: "errors/404.html".to_owned(),
            ..Site::default()
        };
        let html = vec![("content-type".to_owned(), "text/html".to_owned())];
        let turtle = vec![("content-type".to_owned(), "text/turtle".to_owned())];
        for name in ["a", "b"] {
            let html_file = format!("concept/{name}.html");
            let turtle_file = format!("concept/{name}.ttl");
            site.files.insert(html_file.clone(), html.clone());
            site.files.insert(turtle_file.clone(), turtle.clone());
            site.negotiated.push(Negotiated {
                path: format!("concept/{name}"),
                variants: vec![
                    Variant {
                        accepts: vec!["text/html"],
                        file: html_file,
                        headers: html.clone(),
                    },
                    Variant {
                        accepts: vec!["text/turtle"],
                        file: turtle_file,
                        headers: turtle.clone(),
                    },
                ],
                default: 0,
                otherwise: SiteOtherwise::Variant(0),
            });
        }
        site
    }

    #[test]
    fn a_site_under_a_path_is_matched_under_it_and_found_in_the_folder() {
        let caddyfile = caddyfile(&Rules::of(&site_under_a_path()));
        for line in [
            "route /glossary/* {",
            r"@gg_private path_regexp `^\/glossary\/\.glossgraph(?:/|$)`",
            r"path_regexp gg_s0 `^\/glossary\/concept\/([^/]+)$`",
            "rewrite @gg_s0_v1 `/concept/{re.gg_s0.1}.ttl`",
            "uri strip_prefix /glossary",
            "rewrite * /errors/404.html",
        ] {
            assert!(caddyfile.contains(line), "{line} in:\n{caddyfile}");
        }
        // One rule for both concepts: none names them.
        assert!(!caddyfile.contains("/a."), "{caddyfile}");
    }
}
