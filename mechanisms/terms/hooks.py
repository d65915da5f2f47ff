"""The term changes made elsewhere: a village election's result taking office (mechanisms.elections) sends
kernel.people.services.organization_term_changed, and the register records the change with the posts before and
after."""


def record_term_change(sender, *, organization, on, user=None, before=(), after=(), how="assembly", decision="",
                       **kwargs):
    from .services import record_from_posts

    record_from_posts(user=user, organization=organization, on=on, before=list(before), after=list(after), how=how,
                      decision=decision)
