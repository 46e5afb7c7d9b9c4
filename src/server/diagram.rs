//! A concept's neighbourhood as a diagram: the concept at the top, then one
//! branch per relation type (broader, narrower, each typed relation, related,
//! mappings), labelled in the page's language, each neighbour a link.
//!
//! Server-rendered SVG, laid out by rows: every label and box has a row of
//! its own, so nothing overlaps whatever the labels, and the same input
//! gives the same bytes. A general graph layout (the `layout-rs` crate, a
//! Graphviz-style layered layout, was the candidate on crates.io) solves a
//! problem this picture does not have: a star of typed edges around one
//! node is a tree, and a tree drawn in rows reads at phone width, where a
//! radial layout's labels would be too small. At most [`PER_TYPE`]
//! neighbours are drawn per type; the rest are one "+N more" link to the
//! page's list. Text stays text (selectable, and read by screen readers
//! from the `<title>` and `<desc>` that say the same in words).

use super::html::{Link, RelationGroup};
use super::releases::escape;

/// Neighbours drawn per relation type.
pub const PER_TYPE: usize = 6;

/// Geometry, in SVG user units (1 unit = 1 CSS pixel at full width).
const WIDTH: usize = 400;
const ROW: usize = 30;
const BOX: usize = 24;
const TRUNK: usize = 14;
const INDENT: usize = 34;
/// Characters of a label that fit a box (13px text, about 7.2 units a
/// character); longer labels end in `…`, whole in the box's tooltip.
const FIT: usize = 44;

/// Colours: text #1a1a1a on #eef3fb is 15.6:1, the relation labels #3d4f7a
/// on white 8.4:1, the lines #5b6b8c 5.3:1 (WCAG AA for text is 4.5:1).
const STYLE: &str = "text{font:13px system-ui,sans-serif;fill:#1a1a1a}.name{font-weight:700}.type{fill:#3d4f7a;font-weight:600}.box{fill:#eef3fb;stroke:#5b6b8c}.self{fill:#dbe5f7;stroke:#1a3a7a;stroke-width:2}line,path{stroke:#5b6b8c;fill:none}a:focus .box,a:hover .box{stroke:#1a3a7a;stroke-width:2}";

/// The diagram of `concept` and its `groups`. `more` is the link a "+N
/// more" row leads to (the page's list of relations), unless its group
/// names another.
pub fn svg(
    concept: &str,
    groups: &[RelationGroup],
    more: &str,
    id: &str,
    more_label: &str,
) -> String {
    let mut rows: Vec<Row> = vec![Row::Concept(concept)];
    for group in groups.iter().filter(|g| !g.links.is_empty()) {
        rows.push(Row::Type(&group.label.text));
        rows.extend(group.links.iter().take(PER_TYPE).map(Row::Neighbour));
        let all = group.links.len() + group.unlisted;
        if all > PER_TYPE {
            rows.push(Row::More(
                all - PER_TYPE,
                group.more.as_deref().unwrap_or(more),
            ));
        }
    }
    let height = rows.len() * ROW + 8;
    let mut out = String::with_capacity(512 + rows.len() * 200);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><style>{STYLE}</style>",
        escape(concept),
        escape(&description(concept, groups)),
    ));
    // The trunk: from the concept down to the last relation type.
    let last_type = rows.iter().rposition(|r| matches!(r, Row::Type(_)));
    if let Some(last) = last_type {
        out.push_str(&format!(
            "<line x1=\"{TRUNK}\" y1=\"{}\" x2=\"{TRUNK}\" y2=\"{}\"/>",
            4 + BOX,
            y_mid(last)
        ));
    }
    for (n, row) in rows.iter().enumerate() {
        let y = 4 + n * ROW;
        match row {
            Row::Concept(label) => {
                out.push_str(&format!(
                    "<rect class=\"self\" x=\"2\" y=\"{y}\" width=\"{}\" height=\"{BOX}\" rx=\"4\"/>",
                    WIDTH - 4
                ));
                text(&mut out, 10, y, label, true);
            }
            Row::Type(label) => {
                out.push_str(&format!(
                    "<line x1=\"{TRUNK}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\"/><text class=\"type\" x=\"{}\" y=\"{}\">{}</text>",
                    TRUNK + 10,
                    TRUNK + 14,
                    y + 17,
                    escape(label),
                    m = y_mid(n),
                ));
            }
            Row::Neighbour(link) => {
                out.push_str(&format!(
                    "<path d=\"M{x} {top}V{m}H{INDENT}\"/><a href=\"{}\"><rect class=\"box\" x=\"{INDENT}\" y=\"{y}\" width=\"{}\" height=\"{BOX}\" rx=\"4\"/>",
                    escape(&link.href),
                    WIDTH - INDENT - 2,
                    x = TRUNK + 8,
                    top = y - 6,
                    m = y_mid(n),
                ));
                text(&mut out, INDENT + 8, y, &link.label, false);
                out.push_str("</a>");
            }
            Row::More(count, listed) => {
                out.push_str(&format!(
                    "<a href=\"{}\"><text x=\"{}\" y=\"{}\">+{count} {}</text></a>",
                    escape(listed),
                    INDENT + 8,
                    y + 17,
                    escape(more_label),
                ));
            }
        }
    }
    out.push_str("</svg>");
    out
}

enum Row<'a> {
    Concept(&'a str),
    Type(&'a str),
    Neighbour(&'a Link),
    /// How many more, and where they are listed.
    More(usize, &'a str),
}

fn y_mid(row: usize) -> usize {
    4 + row * ROW + BOX / 2
}

/// A label in a box: cut to what fits, whole in the tooltip when cut.
fn text(out: &mut String, x: usize, y: usize, label: &str, bold: bool) {
    let weight = if bold { " class=\"name\"" } else { "" };
    let shown: String = if label.chars().count() > FIT {
        let mut cut: String = label.chars().take(FIT - 1).collect();
        cut.push('…');
        cut
    } else {
        label.to_owned()
    };
    out.push_str(&format!(
        "<text x=\"{x}\" y=\"{}\"{weight}>{}",
        y + 17,
        escape(&shown)
    ));
    if shown != label {
        out.push_str(&format!("<title>{}</title>", escape(label)));
    }
    out.push_str("</text>");
}

/// The diagram in words, for its `<desc>`.
fn description(concept: &str, groups: &[RelationGroup]) -> String {
    let parts: Vec<String> = groups
        .iter()
        .filter(|g| !g.links.is_empty())
        .map(|g| {
            let mut names: Vec<String> = g.links.iter().map(|l| l.label.clone()).collect();
            if g.unlisted > 0 {
                names.push(format!("+{}", g.unlisted));
            }
            format!("{}: {}", g.label.text, names.join(", "))
        })
        .collect();
    if parts.is_empty() {
        concept.to_owned()
    } else {
        format!("{concept}. {}.", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::html::{Lang, Text};

    fn group(label: &str, targets: &[&str]) -> RelationGroup {
        RelationGroup {
            label: Text {
                text: label.to_owned(),
                lang: Lang::default(),
            },
            links: targets
                .iter()
                .map(|t| Link {
                    href: format!("concept/{t}"),
                    label: (*t).to_owned(),
                    lang: Lang::default(),
                })
                .collect(),
            unlisted: 0,
            more: None,
        }
    }

    #[test]
    fn each_neighbour_is_a_link_and_the_rest_one_more() {
        let many: Vec<String> = (0..9).map(|n| format!("n{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let groups = [
            group("Part of", &["commission"]),
            group("Works with", &many),
        ];
        let svg = svg("AI Office & co", &groups, "#relations", "d", "more");
        assert_eq!(svg.matches("<a href=\"concept/").count(), 1 + PER_TYPE);
        assert!(svg.contains("+3 more"));
        assert!(svg.contains("AI Office &amp; co"));
        assert_eq!(
            svg,
            super::svg("AI Office & co", &groups, "#relations", "d", "more")
        );
    }
}
