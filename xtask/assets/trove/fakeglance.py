"""Minimal stand-in for a glance client.

Why: Trove's fake mode ships fakes for nova, cinder, neutron, swift and the
guest agent (trove/tests/fakes), but none for glance, and creating an instance
looks its image up. trove.conf points `remote_glance_client` here.

Every image id "exists"; image-tag lookups return one fixed image (the id the
mysql 5.7.29 datastore version is registered with, see xtask real_servers.rs).
"""
FAKE_IMAGE_ID = "00000000-0000-0000-0000-000000000001"


class _Image(dict):
    # glanceclient images are dict-like objects with attribute access.
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class _Images(object):
    def get(self, image_id, *args, **kwargs):
        return _Image(id=image_id, name="fake-image", status="active",
                      checksum="0" * 32, tags=[])

    def list(self, *args, **kwargs):
        return iter([self.get(FAKE_IMAGE_ID)])


class _Client(object):
    def __init__(self):
        self.images = _Images()


def fake_create_glance_client(context=None, region_name=None, *a, **kw):
    return _Client()
