//! What the glossary-wide stages (the checks across entries, the scheme
//! graph, an incremental build's manifest) need to know of one entry, without
//! the entry.

use super::model::Entry;
use crate::ontology::Ontology;

/// What the graph-wide parts of the build need to know about one entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub id: String,
    pub path: std::path::PathBuf,
    /// (language, label, line, column) of each preferred term.
    pub terms: Vec<(String, String, usize, usize)>,
    /// (relation type key, target id, line, column), including relations from key facts.
    pub relations: Vec<(String, String, usize, usize)>,
    pub deprecated: bool,
    /// Whether the entry is a collection, not a concept.
    #[serde(default)]
    pub collection: bool,
    /// (member id, line, column) of each member, when a collection.
    #[serde(default)]
    pub members: Vec<(String, usize, usize)>,
    /// (id, line, column) of the entry that replaces this deprecated one.
    #[serde(default)]
    pub replaced_by: Option<(String, usize, usize)>,
}

impl Summary {
    pub fn of(entry: &Entry, ontology: &Ontology) -> Self {
        let relations = entry
            .all_relations(|label| {
                ontology
                    .relation_type_for_fact_label(label)
                    .map(|t| t.key.as_str())
            })
            .into_iter()
            .map(|r| {
                (
                    r.key.value,
                    r.target.value,
                    r.target.pos.line,
                    r.target.pos.column,
                )
            })
            .collect();
        Self {
            id: entry.id.clone(),
            path: entry.path.clone(),
            terms: entry
                .terms
                .iter()
                .map(|t| (t.lang.clone(), t.value.clone(), t.pos.line, t.pos.column))
                .collect(),
            relations,
            deprecated: entry.deprecated.as_ref().is_some_and(|d| d.value),
            collection: entry.is_collection(),
            members: entry
                .members
                .iter()
                .flat_map(|m| &m.ids)
                .map(|id| (id.value.clone(), id.pos.line, id.pos.column))
                .collect(),
            replaced_by: entry
                .replaced_by
                .as_ref()
                .map(|r| (r.value.clone(), r.pos.line, r.pos.column)),
        }
    }
}
