import pytest

from bianmin.org.models import OrgUnit
from bianmin.org.tests.factories import center, community, district, staff_user


@pytest.mark.django_db
def test_tree_paths_nest_and_subtree_is_prefix_query():
    d = district()
    c = center(parent=d)
    p = community(parent=c)
    other = center(parent=d)

    assert p.path.startswith(c.path)
    assert c.path.startswith(d.path)
    assert set(OrgUnit.objects.subtree(c)) == {c, p}
    assert set(OrgUnit.objects.subtree(d)) == {d, c, p, other}
    assert p.depth == 3


@pytest.mark.django_db
def test_staff_user_has_login_and_role():
    s = staff_user("director", center())
    assert s.user.check_password("pw-123456")
    assert s.role == "director"
