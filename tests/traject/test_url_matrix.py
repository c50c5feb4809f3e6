"""Every URL of the project, as every actor meets it, for GET and POST.

The table below is the contract: for each URL pattern, what anonymous
visitors, the reader, contributor and administrator of department A (whose
components the addresses name), the same three of department B, a global
administrator and the coordinator of B's transversal plan (which refers to
one objective of A) get. A URL without a row fails the test, so no new page
escapes it. Codes: L a redirect to a login page, R any other redirect.
"""

from tests.traject.url_matrix import ACTORS, MatrixData, row_key, walk

# (GET, POST) per pattern; each string has one code per actor, in the order
# of ACTORS: anonymous, reader_a, contributor_a, admin_a, reader_b,
# contributor_b, admin_b, global_admin, coordinator.
EXPECTED = {
    "admin/(?P<url>.*)$": (
        "L L L L L L L 404 L",
        "L L L L L L L 404 L",
    ),
    "admin/objectives/budgetarticle/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/change/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/indicator/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/legislature/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/lens/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/lensentry/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/measurement/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/membership/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/milestone/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/objective/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/organisation/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/person/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/process/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/programme/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/project/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/statusreport/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/structureelement/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/target/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/user/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin:app_list": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:auth_user_password_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:autocomplete": (
        "L L L L L L L 403 L",
        "L L L L L L L 405 L",
    ),
    "admin:index": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:jsi18n": (
        "L L L L L L L 200 L",
        "L L L L L L L 405 L",
    ),
    "admin:login": (
        "200 200 200 200 200 200 200 R 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "admin:logout": (
        "L R R R R R R 405 R",
        "L R R R R R R L R",
    ),
    "admin:objectives_budgetarticle_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_budgetarticle_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_budgetarticle_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_budgetarticle_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_budgetarticle_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_change_add": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_change_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_change_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_change_delete": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_change_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_indicator_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_indicator_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_indicator_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_indicator_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_indicator_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_legislature_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_legislature_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_legislature_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_legislature_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_legislature_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lens_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lens_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lens_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lens_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lens_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lensentry_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lensentry_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lensentry_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lensentry_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_lensentry_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_measurement_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_measurement_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_measurement_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_measurement_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_measurement_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_membership_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_membership_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_membership_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_membership_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_membership_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_milestone_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_milestone_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_milestone_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_milestone_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_milestone_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_objective_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_objective_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_objective_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_objective_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_objective_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_organisation_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_organisation_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_organisation_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_organisation_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_organisation_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_person_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_person_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_person_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_person_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_person_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_process_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_process_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_process_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_process_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_process_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_programme_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_programme_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_programme_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_programme_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_programme_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_project_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_project_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_project_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_project_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_project_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_statusreport_add": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_statusreport_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_statusreport_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_statusreport_delete": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_statusreport_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_structureelement_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_structureelement_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_structureelement_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_structureelement_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_structureelement_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_target_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_target_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_target_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_target_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_target_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_user_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_user_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_user_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_user_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_user_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:password_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:password_change_done": (
        "L L L L L L L 200 L",
        "L L L L L L L 405 L",
    ),
    "admin:view_on_site": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "login": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "logout": (
        "L 405 405 405 405 405 405 405 405",
        "L L L L L L L L L",
    ),
    "objectives:home": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:indicator_archive": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:indicator_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:indicator_description_edit": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:indicator_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:indicator_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:indicator_link": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:indicator_link_picker": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:indicator_links": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:indicator_restore": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:indicator_unlink": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:lens_archive": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_build": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:lens_coordinator_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_coordinator_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_coordinator_search": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:lens_create": (
        "L 403 403 200 403 403 200 200 403",
        "L 403 403 200 403 403 200 200 403",
    ),
    "objectives:lens_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:lens_entry_move": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_entry_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_heading_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_list": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:lens_objective_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:lens_objective_search": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:lens_update": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:linked_section": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:measurement_record": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:member_change": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:member_end": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:member_grant": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:member_list": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:member_person_search": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:milestone_archive": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:milestone_create": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:milestone_description_edit": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:milestone_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:milestone_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:milestone_restore": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:milestone_update": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:objective_archive": (
        "L 403 403 200 404 404 404 200 403",
        "L 403 403 R 404 404 404 R 403",
    ),
    "objectives:objective_beneath": (
        "L 200 200 200 404 404 404 200 200",
        "L 200 200 200 404 404 404 200 200",
    ),
    "objectives:objective_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:objective_description_edit": (
        "L 403 200 200 404 404 404 200 403",
        "L 403 200 200 404 404 404 200 403",
    ),
    "objectives:objective_detail": (
        "L 200 200 200 404 404 404 200 200",
        "L 200 200 200 404 404 404 200 200",
    ),
    "objectives:objective_edit": (
        "L 403 403 200 404 404 404 200 403",
        "L 403 403 200 404 404 404 200 403",
    ),
    "objectives:objective_link": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 403",
    ),
    "objectives:objective_link_picker": (
        "L 403 403 200 404 404 404 200 403",
        "L 403 403 200 404 404 404 200 403",
    ),
    "objectives:objective_links": (
        "L 403 403 200 404 404 404 200 403",
        "L 403 403 200 404 404 404 200 403",
    ),
    "objectives:objective_restore": (
        "L 403 403 200 404 404 404 200 403",
        "L 403 403 R 404 404 404 R 403",
    ),
    "objectives:objective_unlink": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 403",
    ),
    "objectives:organisation_detail": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:process_archive": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:process_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:process_description_edit": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:process_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:process_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:process_link": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:process_link_picker": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:process_links": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:process_restore": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:process_unlink": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:programme_archive": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:programme_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:programme_description_edit": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:programme_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:programme_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:programme_link": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:programme_link_picker": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:programme_links": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:programme_restore": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:programme_unlink": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:project_archive": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:project_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:project_description_edit": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:project_detail": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:project_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:project_link": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:project_link_picker": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:project_links": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:project_restore": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:project_unlink": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:search": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:status_report": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "reporting:import_job": (
        "L 404 404 200 404 404 404 404 404",
        "L 404 404 200 404 404 404 404 404",
    ),
    "reporting:import_job_apply": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 R 404 404 404 404 404",
    ),
    "reporting:import_job_progress": (
        "L 404 404 200 404 404 404 404 404",
        "L 404 404 200 404 404 404 404 404",
    ),
    "reporting:report_detail": (
        "L 200 404 404 404 404 404 404 404",
        "L 200 404 404 404 404 404 404 404",
    ),
    "reporting:report_download": (
        "L R 404 404 404 404 404 404 404",
        "L R 404 404 404 404 404 404 404",
    ),
    "reporting:report_list": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "reporting:report_new": (
        "L 404 404 404 404 404 404 404 404",
        "L 404 404 404 404 404 404 404 404",
    ),
    "reporting:report_progress": (
        "L 200 404 404 404 404 404 404 404",
        "L 200 404 404 404 404 404 404 404",
    ),
    "reporting:report_retry": (
        "L 405 405 405 405 405 405 405 405",
        "L R 404 404 404 404 404 404 404",
    ),
    "reporting:transfer_export": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "reporting:transfer_import": (
        "L 403 200 200 403 200 200 200 403",
        "L 403 200 200 403 200 200 200 403",
    ),
    "reporting:transfer_import_apply": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 R R 403 R R R 403",
    ),
    "set_language": (
        "R R R R R R R R R",
        "R R R R R R R R R",
    ),
    "sources:run_detail": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    "sources:run_list": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    "sources:run_start": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 R 404",
    ),
    "sources:run_status": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    "reporting:smartlist_delete": (
        "L 403 200 403 404 404 404 404 404",
        "L 403 R 403 404 404 404 404 404",
    ),
    "reporting:smartlist_detail": (
        "L 200 200 200 404 404 404 404 404",
        "L 200 200 200 404 404 404 404 404",
    ),
    "reporting:smartlist_edit": (
        "L 403 200 403 404 404 404 404 404",
        "L 403 200 403 404 404 404 404 404",
    ),
    "reporting:smartlist_export": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R 404 404 404 404 404",
    ),
    "reporting:smartlist_list": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "reporting:smartlist_new": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "reporting:smartlist_preview": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 200 200",
    ),
    "reporting:smartlist_save_sort": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 R 403 404 404 404 404 404",
    ),
    "objectives:closure_reopen": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 403 404 404 404 400 404",
    ),
    "objectives:lens_closed_periods": (
        "L 404 404 404 200 200 200 200 200",
        "L 404 404 404 403 403 400 400 400",
    ),
    "objectives:measurement_correct": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 400 404 404 404 400 404",
    ),
    "objectives:milestone_status_correct": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 400 404 404 404 400 404",
    ),
    "objectives:organisation_closed_periods": (
        "L 200 200 200 404 404 404 200 404",
        "L 403 403 400 404 404 404 400 404",
    ),
    "objectives:status_correct": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 400 404 404 404 400 404",
    ),
    "reporting:plan_validate": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 403 403 403 400 400",
    ),
    "reporting:validation_download": (
        "L 404 404 404 404 404 404 404 404",
        "L 404 404 404 404 404 404 404 404",
    ),
    "reporting:validation_retry": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 403 403 403 R R",
    ),
    # Open data: the same files for everyone, GET only.
    "opendata:catalogue_jsonld": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:catalogue_turtle": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:component_csv": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:component_json": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:dataset_csv": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:dataset_json": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "opendata:dataset_list": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "oidc_authentication_callback": (
        "404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404",
    ),
    "oidc_authentication_init": (
        "404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404",
    ),
    "admin/objectives/latereminderround/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/reportingcalendar/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin/objectives/sentreminder/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin:objectives_latereminderround_add": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_latereminderround_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_latereminderround_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_latereminderround_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_latereminderround_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_reportingcalendar_add": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_reportingcalendar_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_reportingcalendar_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_reportingcalendar_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_reportingcalendar_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_sentreminder_add": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_sentreminder_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_sentreminder_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_sentreminder_delete": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_sentreminder_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "objectives:completion": (
        "L 403 403 200 403 403 200 200 403",
        "L 403 403 200 403 403 200 200 403",
    ),
    "objectives:completion_remind": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 403 403 R R 403",
    ),
    "objectives:lens_calendar_edit": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:lens_deadline_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 404 404 404 404 404 404",
    ),
    "objectives:lens_deadline_set": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:owed_fill": (
        "L 403 200 200 404 404 404 200 404",
        "L 403 200 200 404 404 404 200 404",
    ),
    "objectives:owed_list": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:reporting_calendar": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "admin/objectives/accessrefusal/<path:object_id>/": (
        "L L L L L L L R L",
        "L L L L L L L R L",
    ),
    "admin:objectives_accessrefusal_add": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_accessrefusal_change": (
        "L L L L L L L 200 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_accessrefusal_changelist": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "admin:objectives_accessrefusal_delete": (
        "L L L L L L L 403 L",
        "L L L L L L L 403 L",
    ),
    "admin:objectives_accessrefusal_history": (
        "L L L L L L L 200 L",
        "L L L L L L L 200 L",
    ),
    "objectives:refusal_list": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    # The budget: everybody reads it; the administrators of the policy domain
    # (department A doubles as one) and global administrators manage it.
    "objectives:budget_article_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:budget_article_detail": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:budget_article_edit": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:budget_domain_detail": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:budget_domain_list": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:structure_element_archive": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 R 403 403 403 R 403",
    ),
    "objectives:structure_element_create": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:structure_element_detail": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "objectives:structure_element_edit": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 200 403 403 403 200 403",
    ),
    "objectives:structure_element_objective_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 403 403 403 R 403",
    ),
    "objectives:structure_element_objective_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 403 403 403 R 403",
    ),
    "objectives:structure_element_restore": (
        "L 403 403 200 403 403 403 200 403",
        "L 403 403 R 403 403 403 R 403",
    ),
    "reporting:budget_report": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    # Legislature transitions: members read, administrators map and apply.
    "objectives:transition_list": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    "objectives:transition_create": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:transition_detail": (
        "L 403 403 200 404 404 404 200 404",
        "L 403 403 200 404 404 404 200 404",
    ),
    "objectives:transition_map": (
        "L 403 403 404 404 404 404 404 404",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:transition_copy": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:transition_mark_new": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:transition_clear": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:transition_apply": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 R 404 404 404 R 404",
    ),
    "objectives:transition_matrix": (
        "L 200 200 200 404 404 404 200 404",
        "L 200 200 200 404 404 404 200 404",
    ),
    # Integrations of the JSON API: global administrators only.
    "reporting:integration_list": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    "reporting:integration_new": (
        "L 404 404 404 404 404 404 200 404",
        "L 404 404 404 404 404 404 200 404",
    ),
    "reporting:integration_revoke": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 R 404",
    ),
}

# The JSON API takes an integration's token and nothing else: every actor of
# the matrix, logged in with a session or not, is answered 401.
API_NAMES = [
    "api:schema",
    "api:status_report_list",
    "api:measurement_list",
    *(
        f"api:{noun}_{kind}"
        for noun in (
            "objective",
            "project",
            "milestone",
            "process",
            "programme",
            "indicator",
        )
        for kind in ("list", "detail")
    ),
    *(
        f"api:{link}_link_list"
        for link in (
            "objective_project",
            "objective_process",
            "objective_indicator",
            "objective_contribution",
            "programme_project",
        )
    ),
]
EXPECTED |= {name: (" ".join(["401"] * 9),) * 2 for name in API_NAMES}


class UrlMatrixTests(MatrixData):
    def test_every_url_has_a_row(self):
        patterns = {row_key(pattern, name) for pattern, name, _ in walk()}

        self.assertEqual(sorted(patterns - set(EXPECTED)), [], "URLs without a row")
        self.assertEqual(sorted(set(EXPECTED) - patterns), [], "rows without a URL")

    def test_every_actor_gets_what_the_table_says(self):
        cases = self.url_cases()
        mismatches = []
        for key, (get, post) in EXPECTED.items():
            observed = self.observe(cases[key])
            for method, expected, seen in zip(
                ("GET", "POST"), (get, post), observed, strict=True
            ):
                for actor, want, got in zip(
                    ACTORS, expected.split(), seen.split(), strict=True
                ):
                    if want != got:
                        mismatches.append(
                            f"{method} {cases[key].path} as {actor}: "
                            f"expected {want}, got {got}"
                        )

        self.assertEqual(mismatches, [])
