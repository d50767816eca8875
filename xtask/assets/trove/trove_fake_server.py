"""Run the real Trove API and an in-process fake taskmanager on 127.0.0.1.

This is `trove-fake-mode` (trove.cmd.fakemode) with fixes, because upstream
fake mode has not been maintained since 2023:

* the API socket is bound to CONF.bind_host; trove-fake-mode hardcodes 0.0.0.0
  and we want loopback only;
* exactly one API worker: the fake:/ RPC transport is in-process memory, so
  the API and the taskmanager must share one process (oslo.service runs a
  single worker in-process, so the pid in trove.pid is the whole server);
* the taskmanager gets the RPC encryption key (see main());
* _compat_shims() adapts the fakes shipped in the wheel to the Trove code
  around them.

The shims are written against trove 26.0.0 exactly; keep the pin
(xtask/src/real_servers.rs) in step with them.
"""
import trove.cmd  # noqa: F401  (eventlet monkey patching, as trove-api does)
from trove.cmd.common import initialize


def _compat_shims():
    # trove/tests/fakes/nova.py still reads context.tenant, which oslo.context
    # removed in 4.0; alias it to project_id.
    from oslo_context import context as oslo_ctx
    if not hasattr(oslo_ctx.RequestContext, 'tenant'):
        oslo_ctx.RequestContext.tenant = property(
            lambda self: self.project_id)

    # trove/tests/fakes/guestagent.py imports trove.tests.util.unquote_user_host,
    # which upstream deleted in Dec 2023 (commit 93f35c7f "Get rid of nose and
    # Proboscis"); provide it before the fake guest is imported.
    import trove.tests.util as tutil
    from urllib.parse import unquote

    def unquote_user_host(user_hostname):
        text = unquote(user_hostname)
        user, sep, host = text.rpartition('@')
        if not sep or not host:
            return text, '%'
        return user, host
    tutil.unquote_user_host = unquote_user_host

    # The fakes predate keyword arguments Trove now passes (servers.create(
    # tags=, meta=), guest.prepare(ds_version=), ...) and would raise
    # TypeError: wrap every public method of every fake class so unknown
    # keyword arguments are dropped.
    import functools
    import inspect
    from trove.tests.fakes import guestagent as fguest
    from trove.tests.fakes import neutron as fneutron
    from trove.tests.fakes import nova as fnova
    from trove.tests.fakes import swift as fswift

    def tolerant(fn):
        sig = inspect.signature(fn)
        if any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
            return fn
        known = set(sig.parameters)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **{k: v for k, v in kwargs.items()
                                if k in known})
        return wrapper

    for mod in (fguest, fneutron, fnova, fswift):
        for _cname, cls in list(vars(mod).items()):
            if not inspect.isclass(cls) or cls.__module__ != mod.__name__:
                continue
            for mname, meth in list(vars(cls).items()):
                if mname.startswith('__') or not inspect.isfunction(meth):
                    continue
                setattr(cls, mname, tolerant(meth))

    # A bulk ACTIVE->HEALTHY rename upstream also hit the fake nova server,
    # which now reports "HEALTHY"; Trove maps unknown server states to
    # "UNKNOWN" and instances would never become ACTIVE. Report nova's real
    # "ACTIVE" instead.
    def _status(self):
        st = self._current_status
        return 'ACTIVE' if st == 'HEALTHY' else st
    fnova.FakeServer.status = property(_status)

    # Instance listing reads nova_client.api_version, which the fake predates.
    # Claim a microversion below 2.26 (no nova tags) so Trove lists all fake
    # servers and matches them up itself.
    from novaclient import api_versions
    fnova.FakeClient.api_version = api_versions.APIVersion('2.1')


def main():
    conf = initialize()
    _compat_shims()
    from trove.common import cfg
    from trove.common import notification
    from trove.common import wsgi
    from trove.common.rpc import service as rpc_service
    from trove.instance import models as inst_models
    from trove.taskmanager import api as task_api

    notification.DBaaSAPINotification.register_notify_callback(
        inst_models.persist_instance_fault)
    cfg.set_api_config_defaults()
    conf_file = conf.find_file(conf.api_paste_config)
    launcher = wsgi.launch('trove', conf.bind_port, conf_file,
                           host=conf.bind_host, workers=1)
    # Upstream trove.cmd.fakemode passes key='' here, which breaks the
    # (default-on) secure RPC: the taskmanager cannot decrypt the context and
    # create_instance dies with "TroveContext has no attribute
    # 'notification'", leaving every instance in BUILD. Mirror
    # trove.cmd.taskmanager instead.
    key = (conf.taskmanager_rpc_encr_key
           if conf.enable_secure_rpc_messaging else None)
    tm = rpc_service.RpcService(
        key=key, topic=conf.taskmanager_queue,
        rpc_api_version=task_api.API.API_LATEST_VERSION,
        manager=conf.taskmanager_manager)
    tm.start()
    launcher.wait()


if __name__ == '__main__':
    main()
