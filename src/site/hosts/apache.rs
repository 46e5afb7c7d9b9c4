//! Apache httpd 2.4: one `.htaccess` at the site's root, all a publisher on
//! shared hosting may write. mod_rewrite runs each type set's ladder into an
//! environment variable, then one rule per shape captures the name and
//! either sets the file's type itself or hands the request, by an internal
//! redirect, to the variant's file, with the answer's class in `gg_c`;
//! mod_headers sets each class's headers after that variable.

use super::{Answer, NAME, Otherwise, Rules, Shape, escape, ladder};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The range a ladder gives a request without `Accept`.
const NO_HEADER: &str = "(none)";

const HEADER: &str = "\
# Written by `glossgraph site`: the rules that make Apache httpd 2.4.13 or
# later answer as `glossgraph serve` does. Needs mod_rewrite and mod_headers,
# and `AllowOverride All` (or FileInfo Indexes Options) on this folder.
#
# A request's answer is chosen in two rounds: the first picks the file for
# the address and `Accept` and redirects to it internally, keeping its class
# (type and headers) in gg_c; the second, which Apache runs on the file,
# takes over the class from REDIRECT_gg_c.
";

/// The `.htaccess` for the site's root folder.
pub fn htaccess(rules: &Rules) -> String {
    let base = &rules.base_path;
    let mut out = String::from(HEADER);
    // MultiViews would pick a file by name before the rules run.
    out.push_str("\nOptions -MultiViews -Indexes +SymLinksIfOwnerMatch\nAddDefaultCharset Off\n");
    // mod_dir would send an address that is also a folder (`queries`) to
    // the folder.
    out.push_str("<IfModule mod_dir.c>\n    DirectorySlash Off\n</IfModule>\n");
    // Hosts that send `.gz` files as gzip-encoded would have clients unpack
    // the dumps `serve` sends packed.
    out.push_str("<IfModule mod_mime.c>\n    RemoveEncoding .gz\n</IfModule>\n");
    let _ = writeln!(out, "ErrorDocument 404 {base}{}", rules.not_found);
    let _ = writeln!(out, "ErrorDocument 406 {base}%{{reqenv:gg_e}}");
    out.push_str("RewriteEngine On\n\n");
    second_round(&mut out, rules);
    out.push_str("# The rules themselves are not served.\n");
    out.push_str("RewriteRule ^(?:\\.glossgraph(?:/|$)|\\.htaccess$) - [R=404,L]\n\n");
    ladders(&mut out, rules);
    for s in order(rules) {
        shape(&mut out, rules, s);
    }
    headers(&mut out, rules);
    out
}

/// After an internal redirect: the type of the class chosen before it, and
/// nothing else (the 404 page is sent as it is).
fn second_round(out: &mut String, rules: &Rules) {
    let mut redirected = Vec::new();
    for (shape, _) in &rules.shapes {
        if let Answer::Negotiated {
            variants,
            otherwise,
            ..
        } = &shape.answer
        {
            redirected.extend(variants.iter().map(|(class, _)| *class));
            if let Otherwise::NotAcceptable { class, .. } = otherwise {
                redirected.push(*class);
            }
        }
    }
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for class in redirected {
        let classes = by_type
            .entry(&rules.classes[class].content_type)
            .or_default();
        if !classes.contains(&class) {
            classes.push(class);
        }
    }
    for (content_type, mut classes) in by_type {
        classes.sort_unstable();
        out.push_str("RewriteCond %{ENV:REDIRECT_STATUS} ^(?:200|406)$\n");
        let _ = writeln!(
            out,
            "RewriteCond %{{ENV:REDIRECT_gg_c}} ^({})$",
            join(&classes, "|")
        );
        let _ = writeln!(
            out,
            "RewriteRule ^ - '[T={content_type},E=gg_c:%1,E=gg_n:%{{ENV:REDIRECT_gg_n}},END]'"
        );
    }
    out.push_str("RewriteCond %{ENV:REDIRECT_STATUS} .\nRewriteRule ^ - [END]\n\n");
}

/// Each type set's range in `gg_r<i>`, asked only by the addresses that
/// negotiate among those types.
fn ladders(out: &mut String, rules: &Rules) {
    for (i, types) in rules.type_sets.iter().enumerate() {
        let addresses: Vec<String> = (0..rules.shapes.len())
            .filter(|s| {
                matches!(rules.shapes[*s].0.answer, Answer::Negotiated { types, .. } if types == i)
            })
            .flat_map(|s| {
                names(rules, s)
                    .into_iter()
                    .map(move |n| address(&rules.shapes[s].0, &n, false))
            })
            .collect();
        let addresses = format!("^(?:{})$", addresses.join("|"));
        let _ = writeln!(out, "RewriteCond %{{HTTP:Accept}} ^$ [NV]");
        let _ = writeln!(out, "RewriteRule {addresses} - [E=gg_r{i}:{NO_HEADER}]");
        for regex in ladder(types) {
            let _ = writeln!(out, "RewriteCond %{{ENV:gg_r{i}}} ^$");
            let _ = writeln!(out, "RewriteCond %{{HTTP:Accept}} {} [NC,NV]", word(&regex));
            let _ = writeln!(out, "RewriteRule {addresses} - [E=gg_r{i}:%1]");
        }
        out.push('\n');
    }
}

/// The shapes in the order their rules go: the first that matches wins, so
/// addresses written out come first, then files, then bare addresses.
fn order(rules: &Rules) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rules.shapes.len()).collect();
    order.sort_by_key(|s| (!rules.written_out(*s), rules.shapes[*s].0.suffix.is_empty()));
    order
}

/// The pattern of a shape's address, relative to the folder, with `name`
/// (a regular expression) as its first group when `group`.
fn address(shape: &Shape, name: &str, group: bool) -> String {
    let name = if group {
        format!("({name})")
    } else {
        format!("(?:{name})")
    };
    word(&format!(
        "{}{name}{}",
        escape(&shape.dir),
        escape(&shape.suffix)
    ))
}

/// The names of a shape's rules: each address written out, or one for all.
fn names(rules: &Rules, s: usize) -> Vec<String> {
    if rules.written_out(s) {
        rules.shapes[s].1.iter().map(|n| escape(n)).collect()
    } else {
        vec!["[^/]+".to_owned()]
    }
}

fn shape(out: &mut String, rules: &Rules, s: usize) {
    let base = &rules.base_path;
    let shape = &rules.shapes[s].0;
    let _ = writeln!(out, "# {}{NAME}{}", shape.dir, shape.suffix);
    for name in names(rules, s) {
        let pattern = address(shape, &name, true);
        match &shape.answer {
            Answer::File { class } => {
                let content_type = &rules.classes[*class].content_type;
                let _ = writeln!(
                    out,
                    "RewriteRule ^{pattern}$ - '[T={content_type},E=gg_c:{class},E=gg_n:$1,END]'"
                );
            }
            Answer::Negotiated {
                types,
                variants,
                tokens,
                default,
                otherwise,
            } => {
                // An address that holds nothing is 404 whatever was asked:
                // its default file, looked for in the folder the request's
                // file name starts with.
                let _ = writeln!(
                    out,
                    "RewriteCond %{{REQUEST_FILENAME}} ^(.*/){}$",
                    address(shape, &name, false)
                );
                let file = word(&variants[*default].1.replace(NAME, "$1"));
                let _ = writeln!(out, "RewriteCond %1{file} !-f");
                let _ = writeln!(out, "RewriteRule ^{pattern}$ - [R=404,L]");
                let to = |class: &usize, file: &str| {
                    let file = word(&file.replace(NAME, "$1"));
                    format!("RewriteRule ^{pattern}$ {base}{file} [E=gg_c:{class},E=gg_n:$1,L]")
                };
                let range = format!("%{{ENV:gg_r{types}}}");
                for (v, (class, file)) in variants.iter().enumerate() {
                    let mut conditions: Vec<String> = tokens
                        .iter()
                        .filter(|(_, to)| *to == v)
                        .map(|(token, _)| token_condition(token))
                        .collect();
                    if v == *default {
                        conditions.push(format!("={NO_HEADER}"));
                    }
                    if conditions.is_empty() {
                        continue;
                    }
                    let last = conditions.len() - 1;
                    for (i, condition) in conditions.iter().enumerate() {
                        let or = if i < last { ",OR" } else { "" };
                        let _ = writeln!(out, "RewriteCond {range} {condition} [NC{or}]");
                    }
                    let _ = writeln!(out, "{}", to(class, file));
                }
                match otherwise {
                    Otherwise::Variant(v) => {
                        let (class, file) = &variants[*v];
                        let _ = writeln!(out, "{}", to(class, file));
                    }
                    Otherwise::NotAcceptable { class, file } => {
                        let _ = writeln!(
                            out,
                            "RewriteRule ^{pattern}$ - [R=406,E=gg_c:{class},E=gg_n:$1,E=gg_e:{},L]",
                            word(file)
                        );
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// A condition pattern for a range token: the token itself, or for a
/// JSON-LD profile list, its first IRI's form (the others are what that form
/// also is).
fn token_condition(token: &str) -> String {
    match token.split_once(';') {
        Some((essence, _)) => {
            let first = token.split('#').nth(1).unwrap_or("");
            let first = first.split_whitespace().next().unwrap_or("");
            word(&format!(
                "^{}\\s*;\\s*profile=\"?[^\"#,;]*#{}",
                escape(essence),
                first.trim_end_matches('"')
            ))
        }
        None => format!("={}", word(token)),
    }
}

/// Each header line once, for every class that sends it.
fn headers(out: &mut String, rules: &Rules) {
    let mut lines: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for (i, class) in rules.classes.iter().enumerate() {
        // A header sent twice is one list (`set` replaces).
        let mut merged: Vec<(&str, String)> = Vec::new();
        for (name, value) in &class.headers {
            match merged.iter_mut().find(|(n, _)| n == name) {
                Some((_, v)) => {
                    v.push_str(", ");
                    v.push_str(value);
                }
                None => merged.push((name, value.clone())),
            }
        }
        for line in merged {
            lines.entry(line).or_default().push(i);
        }
    }
    for ((name, value), classes) in lines {
        let classes: Vec<String> = classes.iter().map(|c| format!("'{c}'")).collect();
        let _ = writeln!(
            out,
            "Header always set {name} \"{}\" \"expr=%{{reqenv:gg_c}} in {{{}}}\"",
            header_value(&value),
            classes.join(", ")
        );
    }
}

/// `value` quoted for mod_headers, with the captured name in place of
/// [`NAME`].
fn header_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace(NAME, "%{gg_n}e")
}

/// `text` as one word of a mod_rewrite directive (a space is escaped).
fn word(text: &str) -> String {
    text.replace(' ', "\\ ")
}

fn join(items: &[usize], separator: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_header_values_are_written_for_apache() {
        assert_eq!(token_condition("text/turtle"), "=text/turtle");
        assert_eq!(
            token_condition(
                "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded http://www.w3.org/ns/json-ld#flattened\""
            ),
            r##"^application\/ld\+json\s*;\s*profile="?[^"#,;]*#expanded"##
        );
        assert_eq!(
            header_value("<${gg_n}.ttl>; rel=\"alternate\"; title=\"100% a\\b\""),
            r#"<%{gg_n}e.ttl>; rel=\"alternate\"; title=\"100%% a\\b\""#
        );
    }
}
