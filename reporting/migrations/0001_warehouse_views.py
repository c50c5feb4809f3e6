"""The read model of the external data warehouse: plain SQL views over the
tables of ``objectives``, documented column by column in docs/warehouse.md.

The SQL is frozen here, as a migration's must be: a later change to a view is
a new migration that replaces it (columns are only added). The one expression
that differs between the databases, a public id as dashed text, is written
``public_id_text(column)`` and spelled out per vendor when the migration runs.

PostgreSQL refuses to drop or retype a column that a view reads; a later
migration that does so drops the affected view first and creates it again.
"""

import re

from django.db import migrations

VIEWS = {
    "warehouse_organisations": """
        SELECT o.ovo_number AS ovo_number,
               o.name AS name,
               NULLIF(o.short_name, '') AS short_name,
               o.kind AS kind,
               p.ovo_number AS parent_ovo_number,
               o.valid_from AS valid_from,
               o.valid_until AS valid_until
          FROM objectives_organisation o
          LEFT JOIN objectives_organisation p ON p.id = o.parent_id
    """,
    "warehouse_legislatures": """
        SELECT l.name AS name,
               l.start_date AS start_date,
               l.end_date AS end_date
          FROM objectives_legislature l
    """,
    "warehouse_components": """
        SELECT 'objective' AS component_type,
               public_id_text(c.public_id) AS public_id,
               c.code AS code,
               c.title AS title,
               c.description AS description,
               lead.ovo_number AS lead_organisation_ovo_number,
               c.confidentiality AS confidentiality,
               c.reporting_frequency AS reporting_frequency,
               c.is_archived AS is_archived,
               c.created_at AS created_at,
               c.updated_at AS updated_at,
               c.level AS level,
               public_id_text(parent.public_id) AS parent_public_id,
               legislature.name AS legislature_name,
               public_id_text(element.public_id) AS structure_element_public_id,
               CAST(NULL AS date) AS start_date,
               CAST(NULL AS date) AS end_date,
               CAST(NULL AS date) AS due_date,
               CAST(NULL AS date) AS completed_on,
               CAST(NULL AS date) AS valid_from,
               CAST(NULL AS date) AS valid_until,
               CAST(NULL AS boolean) AS is_government_wide,
               CAST(NULL AS varchar(10)) AS indicator_kind,
               CAST(NULL AS varchar(60)) AS indicator_unit,
               CAST(NULL AS varchar(4)) AS indicator_direction,
               CAST(NULL AS numeric(16, 4)) AS baseline_value,
               CAST(NULL AS integer) AS baseline_year
          FROM objectives_objective c
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
          JOIN objectives_legislature legislature ON legislature.id = c.legislature_id
          LEFT JOIN objectives_objective parent ON parent.id = c.parent_id
          LEFT JOIN objectives_structureelement element
            ON element.id = c.structure_element_id
        UNION ALL
        SELECT 'project', public_id_text(c.public_id), c.code, c.title,
               c.description, lead.ovo_number, c.confidentiality,
               c.reporting_frequency, c.is_archived, c.created_at, c.updated_at,
               NULL, NULL, NULL, NULL,
               c.start_date, c.end_date, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL
          FROM objectives_project c
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
        UNION ALL
        SELECT 'milestone', public_id_text(m.public_id), m.code, m.title,
               m.description, lead.ovo_number, c.confidentiality,
               m.reporting_frequency, m.is_archived, m.created_at, m.updated_at,
               NULL, NULL, NULL, NULL,
               NULL, NULL, m.due_date, m.completed_on, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL
          FROM objectives_milestone m
          JOIN objectives_project c ON c.id = m.project_id
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
        UNION ALL
        SELECT 'process', public_id_text(c.public_id), c.code, c.title,
               c.description, lead.ovo_number, c.confidentiality,
               c.reporting_frequency, c.is_archived, c.created_at, c.updated_at,
               NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, c.valid_from, c.valid_until,
               NULL, NULL, NULL, NULL, NULL, NULL
          FROM objectives_process c
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
        UNION ALL
        SELECT 'programme', public_id_text(c.public_id), c.code, c.title,
               c.description, lead.ovo_number, c.confidentiality,
               c.reporting_frequency, c.is_archived, c.created_at, c.updated_at,
               NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL,
               c.is_government_wide, NULL, NULL, NULL, NULL, NULL
          FROM objectives_programme c
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
        UNION ALL
        SELECT 'indicator', public_id_text(c.public_id), c.code, c.title,
               c.description, lead.ovo_number, c.confidentiality,
               c.reporting_frequency, c.is_archived, c.created_at, c.updated_at,
               NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, c.kind, c.unit, c.direction, c.baseline_value,
               c.baseline_year
          FROM objectives_indicator c
          JOIN objectives_organisation lead ON lead.id = c.lead_organisation_id
    """,
    "warehouse_component_organisations": """
        SELECT 'objective' AS component_type,
               public_id_text(c.public_id) AS public_id,
               o.ovo_number AS ovo_number
          FROM objectives_objective_organisations t
          JOIN objectives_objective c ON c.id = t.objective_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
        UNION ALL
        SELECT 'project', public_id_text(c.public_id), o.ovo_number
          FROM objectives_project_organisations t
          JOIN objectives_project c ON c.id = t.project_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
        UNION ALL
        SELECT 'milestone', public_id_text(m.public_id), o.ovo_number
          FROM objectives_milestone m
          JOIN objectives_project_organisations t ON t.project_id = m.project_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
        UNION ALL
        SELECT 'process', public_id_text(c.public_id), o.ovo_number
          FROM objectives_process_organisations t
          JOIN objectives_process c ON c.id = t.process_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
        UNION ALL
        SELECT 'programme', public_id_text(c.public_id), o.ovo_number
          FROM objectives_programme_organisations t
          JOIN objectives_programme c ON c.id = t.programme_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
        UNION ALL
        SELECT 'indicator', public_id_text(c.public_id), o.ovo_number
          FROM objectives_indicator_organisations t
          JOIN objectives_indicator c ON c.id = t.indicator_id
          JOIN objectives_organisation o ON o.id = t.organisation_id
    """,
    "warehouse_links": """
        SELECT 'objective' AS from_type,
               public_id_text(f.public_id) AS from_public_id,
               'realised_by' AS link_kind,
               'project' AS to_type,
               public_id_text(t.public_id) AS to_public_id
          FROM objectives_objective_projects l
          JOIN objectives_objective f ON f.id = l.objective_id
          JOIN objectives_project t ON t.id = l.project_id
        UNION ALL
        SELECT 'objective', public_id_text(f.public_id), 'realised_by',
               'process', public_id_text(t.public_id)
          FROM objectives_objective_processes l
          JOIN objectives_objective f ON f.id = l.objective_id
          JOIN objectives_process t ON t.id = l.process_id
        UNION ALL
        SELECT 'objective', public_id_text(f.public_id), 'measured_by',
               'indicator', public_id_text(t.public_id)
          FROM objectives_objective_indicators l
          JOIN objectives_objective f ON f.id = l.objective_id
          JOIN objectives_indicator t ON t.id = l.indicator_id
        UNION ALL
        SELECT 'objective', public_id_text(f.public_id), 'contributes_to',
               'objective', public_id_text(t.public_id)
          FROM objectives_objective_contributes_to l
          JOIN objectives_objective f ON f.id = l.from_objective_id
          JOIN objectives_objective t ON t.id = l.to_objective_id
        UNION ALL
        SELECT 'objective', public_id_text(f.public_id), 'parent',
               'objective', public_id_text(t.public_id)
          FROM objectives_objective f
          JOIN objectives_objective t ON t.id = f.parent_id
        UNION ALL
        SELECT 'programme', public_id_text(f.public_id), 'bundles',
               'project', public_id_text(t.public_id)
          FROM objectives_programme_projects l
          JOIN objectives_programme f ON f.id = l.programme_id
          JOIN objectives_project t ON t.id = l.project_id
        UNION ALL
        SELECT 'milestone', public_id_text(f.public_id), 'part_of',
               'project', public_id_text(t.public_id)
          FROM objectives_milestone f
          JOIN objectives_project t ON t.id = f.project_id
    """,
    "warehouse_status_reports": """
        SELECT 'objective' AS component_type,
               public_id_text(c.public_id) AS public_id,
               r.period_start AS period_start,
               r.period_end AS period_end,
               r.colour AS colour,
               r.explanation AS explanation,
               r.created_at AS reported_at,
               u.username AS author_username
          FROM objectives_statusreport r
          JOIN objectives_objective c ON c.id = r.objective_id
          LEFT JOIN objectives_user u ON u.id = r.author_id
        UNION ALL
        SELECT 'project', public_id_text(c.public_id), r.period_start,
               r.period_end, r.colour, r.explanation, r.created_at, u.username
          FROM objectives_statusreport r
          JOIN objectives_project c ON c.id = r.project_id
          LEFT JOIN objectives_user u ON u.id = r.author_id
        UNION ALL
        SELECT 'milestone', public_id_text(c.public_id), r.period_start,
               r.period_end, r.colour, r.explanation, r.created_at, u.username
          FROM objectives_statusreport r
          JOIN objectives_milestone c ON c.id = r.milestone_id
          LEFT JOIN objectives_user u ON u.id = r.author_id
        UNION ALL
        SELECT 'process', public_id_text(c.public_id), r.period_start,
               r.period_end, r.colour, r.explanation, r.created_at, u.username
          FROM objectives_statusreport r
          JOIN objectives_process c ON c.id = r.process_id
          LEFT JOIN objectives_user u ON u.id = r.author_id
        UNION ALL
        SELECT 'programme', public_id_text(c.public_id), r.period_start,
               r.period_end, r.colour, r.explanation, r.created_at, u.username
          FROM objectives_statusreport r
          JOIN objectives_programme c ON c.id = r.programme_id
          LEFT JOIN objectives_user u ON u.id = r.author_id
    """,
    "warehouse_measurements": """
        SELECT public_id_text(i.public_id) AS indicator_public_id,
               m.period_start AS period_start,
               m.period_end AS period_end,
               m.value AS value,
               m.note AS note,
               m.created_at AS entered_at
          FROM objectives_measurement m
          JOIN objectives_indicator i ON i.id = m.indicator_id
    """,
    "warehouse_targets": """
        SELECT public_id_text(i.public_id) AS indicator_public_id,
               t.period_start AS period_start,
               t.period_end AS period_end,
               t.value AS value
          FROM objectives_target t
          JOIN objectives_indicator i ON i.id = t.indicator_id
    """,
    "warehouse_lenses": """
        SELECT public_id_text(l.public_id) AS public_id,
               l.name AS name,
               l.description AS description,
               l.kind AS kind,
               o.ovo_number AS organisation_ovo_number,
               legislature.name AS legislature_name,
               l.is_archived AS is_archived,
               l.created_at AS created_at,
               l.updated_at AS updated_at
          FROM objectives_lens l
          LEFT JOIN objectives_organisation o ON o.id = l.organisation_id
          LEFT JOIN objectives_legislature legislature
            ON legislature.id = l.legislature_id
    """,
    "warehouse_lens_entries": """
        SELECT e.id AS entry_id,
               public_id_text(l.public_id) AS lens_public_id,
               e.parent_id AS parent_entry_id,
               e.position AS position,
               NULLIF(e.heading, '') AS heading,
               public_id_text(o.public_id) AS objective_public_id
          FROM objectives_lensentry e
          JOIN objectives_lens l ON l.id = e.lens_id
          LEFT JOIN objectives_objective o ON o.id = e.objective_id
    """,
    "warehouse_structure_elements": """
        SELECT public_id_text(s.public_id) AS public_id,
               s.code AS code,
               s.title AS title,
               s.description AS description,
               o.ovo_number AS policy_domain_ovo_number,
               s.is_archived AS is_archived
          FROM objectives_structureelement s
          JOIN objectives_organisation o ON o.id = s.policy_domain_id
    """,
    "warehouse_budget_articles": """
        SELECT public_id_text(a.public_id) AS public_id,
               a.code AS code,
               a.title AS title
          FROM objectives_budgetarticle a
    """,
    "warehouse_budget_article_structure_elements": """
        SELECT public_id_text(a.public_id) AS budget_article_public_id,
               public_id_text(s.public_id) AS structure_element_public_id
          FROM objectives_budgetarticle_structure_elements t
          JOIN objectives_budgetarticle a ON a.id = t.budgetarticle_id
          JOIN objectives_structureelement s ON s.id = t.structureelement_id
    """,
    "warehouse_budget_amounts": """
        SELECT public_id_text(a.public_id) AS budget_article_public_id,
               b.year AS year,
               b.amount AS amount
          FROM objectives_budgetamount b
          JOIN objectives_budgetarticle a ON a.id = b.article_id
    """,
}

PUBLIC_ID_TEXT = re.compile(r"public_id_text\(([\w.]+)\)")


def public_id_text(vendor, column):
    """A UUID column as its dashed, lower-case text on either database."""
    if vendor == "postgresql":
        return f"CAST({column} AS text)"
    if vendor == "sqlite":
        # SQLite holds a UUID as 32 lower-case hex digits without dashes.
        pieces = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        return " || '-' || ".join(
            f"substr({column}, {start}, {length})" for start, length in pieces
        )
    raise NotImplementedError(f"No warehouse views for {vendor}.")


def create_views(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, query in VIEWS.items():
        query = PUBLIC_ID_TEXT.sub(
            lambda match: public_id_text(vendor, match[1]), query
        )
        schema_editor.execute(f"CREATE VIEW {name} AS {query.strip()}")


def drop_views(apps, schema_editor):
    for name in reversed(VIEWS):
        schema_editor.execute(f"DROP VIEW IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0003_registry_id_and_function"),
    ]

    operations = [
        migrations.RunPython(create_views, drop_views, elidable=False),
    ]
