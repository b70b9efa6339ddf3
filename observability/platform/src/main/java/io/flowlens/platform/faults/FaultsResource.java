package io.flowlens.platform.faults;

import io.flowlens.contracts.admin.api.AdminApi;
import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * {@code /admin/faults} of every service (contract admin.yaml), behind the admin token ({@link AdminTokenFilter}).
 */
@ApplicationScoped
public class FaultsResource implements AdminApi {

    private final FaultInjector faults;

    @Inject
    public FaultsResource(FaultInjector faults) {
        this.faults = faults;
    }

    @Override
    public Response listFaults() {
        return Response.ok(faults.all()).build();
    }

    @Override
    public Response setFault(FaultName fault, FaultSettings faultSettings) {
        return Response.ok(faults.set(fault, faultSettings)).build();
    }

    @Override
    public Response clearFault(FaultName fault) {
        return Response.ok(faults.clear(fault)).build();
    }
}
