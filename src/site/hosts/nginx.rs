//! nginx: maps in the `http` block choose a variant from `Accept`; in the
//! `server` block, one location per shape captures the name and hands the
//! request to an internal location per class that sets type and headers.

use super::{Answer, NAME, Otherwise, Rules, Shape, Site, escape, ladder};
use std::fmt::Write;

const CLASS_PREFIX: &str = ".glossgraph-class/";
/// The range map's answer when there is no `Accept` header.
const NO_HEADER: &str = "(none)";

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// For `include` in the `http` block.
pub fn http(rules: &Rules) -> String {
    let mut out = String::from(
        "# Written by `glossgraph site`: include in nginx's `http` block, and\n# nginx-server.conf in the `server` block that serves the site.\n\n",
    );
    for (i, types) in rules.type_sets.iter().enumerate() {
        let _ = writeln!(out, "map $http_accept $gg_range_{i} {{");
        let _ = writeln!(out, "    default \"\";");
        let _ = writeln!(out, "    \"\" {};", quote(NO_HEADER));
        for regex in ladder(types) {
            let _ = writeln!(out, "    {} $1;", quote(&format!("~*{regex}")));
        }
        out.push_str("}\n\n");
    }
    for (s, (shape, _)) in rules.shapes.iter().enumerate() {
        let Answer::Negotiated {
            types,
            variants,
            tokens,
            default,
            otherwise,
        } = &shape.answer
        else {
            continue;
        };
        let target = |v: usize| {
            let (class, file) = &variants[v];
            quote(&format!("{}{CLASS_PREFIX}c{class}/{file}", rules.base_path))
        };
        let _ = writeln!(out, "map $gg_range_{types} $gg_to_{s} {{");
        match otherwise {
            Otherwise::Variant(v) => {
                let _ = writeln!(out, "    default {};", target(*v));
            }
            Otherwise::NotAcceptable { .. } => out.push_str("    default \"\";\n"),
        }
        let _ = writeln!(out, "    {} {};", quote(NO_HEADER), target(*default));
        for (token, v) in tokens {
            let key = match token.split_once(';') {
                Some((essence, _)) => {
                    // A profile list asks for its first IRI's form (the
                    // others are what that form also is).
                    let first = token.split('#').nth(1).unwrap_or("");
                    let first = first.split_whitespace().next().unwrap_or("");
                    quote(&format!(
                        "~*^{}\\s*;\\s*profile=\"?[^\"#,;]*#{}",
                        escape(essence),
                        first.trim_end_matches('"')
                    ))
                }
                None => quote(token),
            };
            let _ = writeln!(out, "    {key} {};", target(*v));
        }
        out.push_str("}\n\n");
    }
    out
}

/// For `include` in the `server` block, whose `root` is the site folder
/// (or, for a base IRI with a path, the folder above it).
pub fn server(rules: &Rules, site: &Site) -> String {
    let base = &rules.base_path;
    let mut out = String::from("# Written by `glossgraph site`; see nginx-http.conf.\n\n");
    let _ = writeln!(out, "error_page 404 {base}{};", site.not_found);
    let _ = writeln!(out, "location ^~ {base}.glossgraph/ {{ return 404; }}\n");
    for (i, class) in rules.classes.iter().enumerate() {
        let _ = writeln!(out, "location ^~ {base}{CLASS_PREFIX}c{i}/ {{");
        out.push_str("    internal;\n    types { }\n");
        let _ = writeln!(out, "    default_type {};", quote(&class.content_type));
        for (name, value) in &class.headers {
            let _ = writeln!(out, "    add_header {name} {} always;", quote(value));
        }
        let _ = writeln!(
            out,
            "    rewrite {} {base}$1 break;\n}}\n",
            quote(&format!(
                "^{}(.*)$",
                escape(&format!("{base}{CLASS_PREFIX}c{i}/"))
            ))
        );
    }
    // An address many share is one regular expression; the others are
    // written out whole (exact matches win in nginx). Files come before
    // bare addresses, as regular expressions are tried in order.
    let mut shared = Vec::new();
    for (s, (shape, names)) in rules.shapes.iter().enumerate() {
        if rules.written_out(s) {
            for name in names {
                let path = format!("{base}{}{name}{}", shape.dir, shape.suffix);
                let _ = writeln!(out, "location = {path} {{");
                body(&mut out, rules, s, shape, &quote(name));
                out.push_str("}\n");
            }
        } else {
            shared.push(s);
        }
    }
    shared.sort_by_key(|s| rules.shapes[*s].0.suffix.is_empty());
    for s in shared {
        let (shape, _) = &rules.shapes[s];
        let regex = format!(
            "^{}(?<gg_name>[^/]+){}$",
            escape(&format!("{base}{}", shape.dir)),
            escape(&shape.suffix)
        );
        let _ = writeln!(out, "location ~ {} {{", quote(&regex));
        body(&mut out, rules, s, shape, "$gg_name");
        out.push_str("}\n");
    }
    out
}

fn body(out: &mut String, rules: &Rules, s: usize, shape: &Shape, name: &str) {
    let base = &rules.base_path;
    // Copied: the next regular expression nginx runs overwrites captures.
    let _ = writeln!(out, "    set $gg_n {name};");
    match &shape.answer {
        Answer::File { class } => {
            let target = format!(
                "{base}{CLASS_PREFIX}c{class}/{}$gg_n{}",
                shape.dir, shape.suffix
            );
            let _ = writeln!(out, "    rewrite ^ {} last;", quote(&target));
        }
        Answer::Negotiated {
            variants,
            default,
            otherwise,
            ..
        } => {
            // An address that holds nothing is 404 whatever was asked.
            let file = variants[*default].1.replace(NAME, "$gg_n");
            let _ = writeln!(
                out,
                "    if (!-f {}) {{ return 404; }}",
                quote(&format!("$document_root{base}{file}"))
            );
            if let Otherwise::NotAcceptable { class, file } = otherwise {
                let file = file.replace(NAME, "$gg_n");
                let _ = writeln!(
                    out,
                    "    error_page 406 {base}{CLASS_PREFIX}c{class}/{file};"
                );
                let _ = writeln!(out, "    if ($gg_to_{s} = \"\") {{ return 406; }}");
            }
            let _ = writeln!(out, "    rewrite ^ $gg_to_{s} last;");
        }
    }
}
