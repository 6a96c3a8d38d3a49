// Generated from /api/v1/openapi.json by scripts/gen-api-types.mjs — do not edit.

export interface paths {
    "/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** engine, schedules and active runs */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description status */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Status"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** schedules by id, with their next run; a page at a time (`nextCursor`) */
        get: {
            parameters: {
                query?: {
                    /** @description default 100 */
                    limit?: number;
                    /** @description the nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a page of schedules */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SchedulePage"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** create a schedule (the recipe is validated and snapshotted) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ScheduleCreate"];
                };
            };
            responses: {
                /** @description created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Schedule"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * check a schedule body and preview its next fires (in its zone, with clock changes) — nothing is created
         * @description Problems with a field answer 200 with `valid: false` and each problem at its field; only a body that is not a JSON object is a 400.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SchedulePreviewInput"];
                };
            };
            responses: {
                /** @description the preview */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SchedulePreview"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** one schedule: next fire times, recent runs and decisions (paged) */
        get: {
            parameters: {
                query?: {
                    /** @description how many decisions (default 20) */
                    decisions?: number;
                    /** @description a moreDecisions cursor: the page after it */
                    before?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the schedule */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ScheduleDetail"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** delete a schedule (its runs and logs stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** change a schedule; fields not given keep their value */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SchedulePatch"];
                };
            };
            responses: {
                /** @description updated */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Schedule"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/schedules/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** stop firing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Note"];
                };
            };
            responses: {
                /** @description paused */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Schedule"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** fire again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Note"];
                };
            };
            responses: {
                /** @description resumed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Schedule"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** run it now, with the overlap policy given (default: the schedule's) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Trigger"];
                };
            };
            responses: {
                /** @description what became of the trigger */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResult"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** run the occurrences of a range, each at most once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Backfill"];
                };
            };
            responses: {
                /** @description the decisions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackfillResult"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}/next": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the next fire times */
        get: {
            parameters: {
                query?: {
                    count?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description next fire times */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            next: string[];
                        };
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}/recipe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the recipe snapshot the schedule runs */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the snapshot */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunRecipe"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** runs, newest first, with filters and cursor pagination */
        get: {
            parameters: {
                query?: {
                    status?: components["schemas"]["RunStatus"];
                    scheduleId?: string;
                    trigger?: "manual" | "schedule" | "backfill";
                    /** @description runs created at or after this time */
                    since?: string;
                    /** @description runs created before this time */
                    until?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a page of runs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunPage"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** start an ad-hoc run of a recipe or pipeline (handed to the daemon or Temporal; answers at once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RunStart"];
                };
            };
            responses: {
                /** @description the run, created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** a new run of a failed, timed-out or cancelled pipeline run; the steps that succeeded are carried over, not run again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the new run (its `resumeOf` names this one), created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description the run is not a pipeline run, or is a step of one */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the run has not ended, or it succeeded */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/recipe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the recipe snapshot the run executed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the snapshot */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunRecipe"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stats/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** runs created per hour over the last hours, by outcome (the overview chart) */
        get: {
            parameters: {
                query?: {
                    /** @description how many hours back, 1–168 (default 24) */
                    hours?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description counts per hour */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunStats"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** one run: attempts, timeline, and the live attempt */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the run */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunDetail"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/kill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** cancel a run; its whole process tree is stopped (TERM, grace, KILL) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the run after the kill */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** a byte range of an attempt's log (default: the last attempt, from the start) */
        get: {
            parameters: {
                query?: {
                    attempt?: number;
                    offset?: number;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description log bytes (UTF-8) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LogChunk"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** the built-in templates and the user's (a user template shadows a built-in one) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the catalogue */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateList"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/templates/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** one template: its parameters, suggested schedule and files */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the template */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateDetail"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/templates/{name}/use": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * write the template into a directory, validate it with the params, and schedule it if asked
         * @description Nothing is written when a file there differs from the template (409, unless `force`) or the schedule asked for cannot be created (its id taken: 409; a bad cron or id: 400). Otherwise the files are written and the answer carries the verdict: an entry that does not validate (or cannot run headless) gets no schedule, and `scheduleSkipped` says why.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TemplateUse"];
                };
            };
            responses: {
                /** @description the files written and the verdict */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TemplateUseResult"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/recipes/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** check a recipe file on the server against the Goose recipe format */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RecipeCheck"];
                };
            };
            responses: {
                /** @description the verdict (valid or not) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RecipeVerdict"];
                    };
                };
                /** @description the request is malformed or invalid */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description a bearer token is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the body is not sent as application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: run events (`event: run`), schedule decisions (`event: decision`) and, with `logs=true`, log lines (`event: log`); resume with Last-Event-ID */
        get: {
            parameters: {
                query?: {
                    runId?: string;
                    scheduleId?: string;
                    /** @description a Last-Event-ID to resume from */
                    after?: string;
                    /** @description also the log lines of the runs it covers (`event: log`, no id: live only; a resume replays state changes, `/runs/{id}/log-stream` a whole log) */
                    logs?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description an event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/log-stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events of a run's log (`event: log`, id `<attempt>:<offset>`), until the run ends; resume with Last-Event-ID */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description an event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Status: {
            /** @enum {string} */
            engine: "embedded" | "temporal";
            schedules: {
                total: number;
                active: number;
                paused: number;
            };
            runs: {
                active: number;
            };
            temporal: {
                address: string;
                namespace: string;
                taskQueue: string;
                workers: number;
            } | null;
            /** @description the embedded daemon of this data dir (null: none runs, or Temporal) */
            daemon: {
                pid: number;
                since: string;
            } | null;
            /** @description the embedded engine's maintenance jobs (none on Temporal) */
            systemJobs: {
                name: string;
                everyMs: number;
                lastStartedAt: string | null;
                lastFinishedAt: string | null;
                lastResult: {
                    [key: string]: unknown;
                } | null;
            }[];
        };
        Error: {
            error: {
                /** @example schedule_not_found */
                code: string;
                message: string;
                details: {
                    [key: string]: unknown;
                };
            };
        };
        SchedulePage: {
            schedules: components["schemas"]["ScheduleListItem"][];
            /** @description pass as `cursor` for the next page; null on the last one */
            nextCursor: string | null;
        };
        ScheduleListItem: components["schemas"]["Schedule"] & {
            /** @example At 02:00 */
            description: string;
        };
        /** @enum {string} */
        OverlapPolicy: "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";
        Schedule: {
            id: string;
            cron: string;
            timezone: string;
            jitterMs: number;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            start: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            end: string | null;
            overlap: components["schemas"]["OverlapPolicy"];
            catchupWindowMs: number;
            /** @enum {string} */
            catchup: "all" | "latest";
            pauseOnFailure: boolean;
            paused: boolean;
            note: string | null;
            remainingActions: number | null;
            recipe: string;
            recipeHash: string;
            followSource: boolean;
            params: {
                [key: string]: string;
            };
            timeoutMs: number;
            maxAttempts: number;
            cwd: string | null;
            /** @enum {string} */
            mode: "background" | "foreground";
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            createdAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            updatedAt: string | null;
            nextRuns: (string | null)[];
        };
        ScheduleCreate: {
            /** @example nightly */
            id: string;
            /**
             * @description 5/6/7 cron fields, a macro, or @every <duration>
             * @example 0 2 * * *
             */
            cron: string;
            /** @description path of the recipe file on the server host */
            recipe: string;
            /** @example Europe/Berlin */
            timezone?: string;
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            jitter?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            start?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            end?: string;
            overlap?: components["schemas"]["OverlapPolicy"];
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            catchupWindow?: string;
            /** @enum {string} */
            catchup?: "all" | "latest";
            pauseOnFailure?: boolean;
            paused?: boolean;
            note?: string;
            remaining?: number;
            params?: {
                [key: string]: string;
            };
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            timeout?: string;
            retries?: number;
            cwd?: string;
            /** @enum {string} */
            mode?: "background" | "foreground";
            followSource?: boolean;
        };
        SchedulePreview: {
            valid: boolean;
            errors: components["schemas"]["FieldProblem"][];
            warnings: string[];
            /** @description the zone the times are read in */
            timezone: string | null;
            /** @description the next 10 scheduled times (without jitter), with the zone's UTC offset */
            next: string[];
            dstNotes: {
                at: string;
                note: string;
            }[];
            /** @example At 02:30 */
            describe: string | null;
            /** @description the parameters the recipe declares (null: no recipe given, or unreadable) */
            parameters: components["schemas"]["RecipeParameter"][] | null;
        };
        FieldProblem: {
            /**
             * @description the body field it is about
             * @example cron
             */
            field: string;
            message: string;
        };
        RecipeParameter: {
            name: string;
            inputType: string;
            /** @description required, optional or user_prompt */
            requirement: string;
            default: string | null;
            description: string;
            options: string[] | null;
        };
        SchedulePreviewInput: {
            /** @description given: checked as a new id (free, well-formed); omit it when editing */
            id?: string;
            /**
             * @description 5/6/7 cron fields, a macro, or @every <duration>
             * @example 0 2 * * *
             */
            cron: string;
            /** @description path of the recipe file on the server host */
            recipe?: string;
            /** @example Europe/Berlin */
            timezone?: string;
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            jitter?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            start?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            end?: string;
            overlap?: components["schemas"]["OverlapPolicy"];
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            catchupWindow?: string;
            /** @enum {string} */
            catchup?: "all" | "latest";
            pauseOnFailure?: boolean;
            paused?: boolean;
            note?: string;
            remaining?: number;
            params?: {
                [key: string]: string;
            };
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            timeout?: string;
            retries?: number;
            cwd?: string;
            /** @enum {string} */
            mode?: "background" | "foreground";
            followSource?: boolean;
        };
        ScheduleDetail: components["schemas"]["Schedule"] & {
            description: string;
            waiting: number;
            recentRuns: components["schemas"]["Run"][];
            decisions: components["schemas"]["Decision"][];
            /** @description pass as `before` for the next, older page of decisions; null: no more */
            moreDecisions: string | null;
            counts: {
                taken: number;
                skippedOverlap: number;
                missedCatchup: number;
            } | null;
        };
        Run: {
            id: string;
            /**
             * @description `pipeline`: the run executes a pipeline file, its steps each a run of its own
             * @enum {string}
             */
            kind: "recipe" | "pipeline";
            /** @description a step's run: its pipeline run, step and fan-out item; null for any other run */
            pipelineRun: components["schemas"]["StepLink"] | null;
            /** @description a resumed pipeline run: the run it continues */
            resumeOf: string | null;
            status: components["schemas"]["RunStatus"];
            /** @enum {string} */
            trigger: "manual" | "schedule" | "backfill";
            scheduleId: string | null;
            recipe: string;
            recipeHash: string;
            params: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            createdAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            endedAt: string | null;
            durationMs: number | null;
            attempts: number;
            sessionId: string | null;
            exitCode: number | null;
            error: string | null;
        };
        StepLink: {
            runId: string;
            step: string;
            item: number | null;
        };
        /** @enum {string} */
        RunStatus: "pending" | "running" | "retrying" | "succeeded" | "failed" | "timed_out" | "cancelled";
        Decision: {
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            scheduledAt: string | null;
            /** @enum {string} */
            source: "schedule" | "trigger" | "backfill";
            decision: string;
            runId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            decidedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            releasedAt: string | null;
            detail: {
                [key: string]: unknown;
            };
        };
        SchedulePatch: {
            /**
             * @description 5/6/7 cron fields, a macro, or @every <duration>
             * @example 0 2 * * *
             */
            cron?: string;
            /** @description path of the recipe file on the server host */
            recipe?: string;
            /** @example Europe/Berlin */
            timezone?: string;
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            jitter?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            start?: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            end?: string;
            overlap?: components["schemas"]["OverlapPolicy"];
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            catchupWindow?: string;
            /** @enum {string} */
            catchup?: "all" | "latest";
            pauseOnFailure?: boolean;
            paused?: boolean;
            note?: string;
            remaining?: number;
            params?: {
                [key: string]: string;
            };
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            timeout?: string;
            retries?: number;
            cwd?: string;
            /** @enum {string} */
            mode?: "background" | "foreground";
            followSource?: boolean;
        };
        Note: {
            note?: string;
        };
        TriggerResult: {
            decision: string;
            run: components["schemas"]["Run"] | null;
        };
        Trigger: {
            overlap?: components["schemas"]["OverlapPolicy"];
        };
        BackfillResult: {
            decided: {
                /**
                 * Format: date-time
                 * @example 2026-11-27T06:00:00.000Z
                 */
                scheduledAt: string;
                decision: string;
                runId: string | null;
                already: boolean;
            }[];
            requestedOnServer: boolean;
        };
        Backfill: {
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            from: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00Z
             */
            to: string;
            overlap?: components["schemas"]["OverlapPolicy"];
        };
        RunRecipe: {
            /** @description where the recipe was read from */
            path: string;
            hash: string;
            /** @description the entry file as the run executed it */
            content: string;
            /** @description true when a file was cut at 256 KiB */
            truncated: boolean;
            /** @description the sub-recipes shipped with it (paths relative to the entry) */
            files: {
                path: string;
                content: string;
            }[];
        };
        RunPage: {
            runs: components["schemas"]["Run"][];
            /** @description pass as `cursor` for the next page; null on the last one */
            nextCursor: string | null;
        };
        RunStart: {
            /** @description path of the recipe file on the server host */
            recipe: string;
            params?: {
                [key: string]: string;
            };
            /**
             * @description a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d
             * @example 30m
             */
            timeout?: string;
            retries?: number;
        };
        RunStats: {
            hours: number;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            from: string;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            to: string;
            /** @description one per hour, oldest first; `hour` is its start (UTC) */
            buckets: {
                succeeded: number;
                failed: number;
                timed_out: number;
                cancelled: number;
                active: number;
                /**
                 * Format: date-time
                 * @example 2026-11-27T06:00:00.000Z
                 */
                hour: string;
            }[];
            totals: {
                succeeded: number;
                failed: number;
                timed_out: number;
                cancelled: number;
                active: number;
            };
            /** @description false when the window held more runs than are counted (50,000) */
            complete: boolean;
        };
        RunDetail: {
            id: string;
            /**
             * @description `pipeline`: the run executes a pipeline file, its steps each a run of its own
             * @enum {string}
             */
            kind: "recipe" | "pipeline";
            /** @description a step's run: its pipeline run, step and fan-out item; null for any other run */
            pipelineRun: components["schemas"]["StepLink"] | null;
            /** @description a resumed pipeline run: the run it continues */
            resumeOf: string | null;
            status: components["schemas"]["RunStatus"];
            /** @enum {string} */
            trigger: "manual" | "schedule" | "backfill";
            scheduleId: string | null;
            recipe: string;
            recipeHash: string;
            params: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            createdAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            endedAt: string | null;
            durationMs: number | null;
            attempts: components["schemas"]["Attempt"][];
            sessionId: string | null;
            exitCode: number | null;
            error: string | null;
            options: {
                timeoutMs: number;
                graceMs: number;
                cwd: string;
                logCapBytes: number;
                retryPolicy: {
                    initialIntervalMs: number;
                    backoffCoefficient: number;
                    maximumIntervalMs: number;
                    maxAttempts: number;
                    nonRetryableErrorTypes: string[];
                };
            };
            timeline: components["schemas"]["RunEvent"][];
            live: {
                attempt: number;
                host: string | null;
                pid: number | null;
                sessionId: string | null;
                logPath: string | null;
                tail: string | null;
            } | null;
            /** @description what the run handed over (any JSON): a step's output, a pipeline's outputs by step; null if none */
            output?: unknown;
            /** @description a pipeline run's steps and their runs; null for a recipe run */
            pipeline: components["schemas"]["PipelineDetail"] | null;
        };
        Attempt: {
            number: number;
            status: string;
            pid: number | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            endedAt: string | null;
            durationMs: number | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            deadlineAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            heartbeatAt: string | null;
            exitCode: number | null;
            signal: string | null;
            failure: string | null;
            log: {
                path: string;
                bytes: number;
                truncated: boolean;
            };
        };
        RunEvent: {
            seq: number;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            at: string | null;
            type: string;
            attempt: number | null;
            data: {
                [key: string]: unknown;
            };
        };
        PipelineDetail: {
            name: string;
            /** @description the steps in file order, then handlers */
            steps: components["schemas"]["PipelineStep"][];
        };
        PipelineStep: {
            id: string;
            /**
             * @description `handler`: runs only when a failure or a hook names it
             * @enum {string}
             */
            role: "step" | "handler";
            status: components["schemas"]["StepStatus"];
            needs: string[];
            /** @description why it was skipped, or failed without a run */
            reason: string | null;
            /** @description a fan-out's items, once known */
            items: number | null;
            /** @description what it handed over (any JSON); null if nothing */
            output?: unknown;
            instances: components["schemas"]["StepInstance"][];
        };
        /** @enum {string} */
        StepStatus: "waiting" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "skipped";
        StepInstance: {
            /**
             * @description `<step>` or `<step>.<item index>`
             * @example review.1
             */
            key: string;
            /** @description the fan-out item, or null */
            item: number | null;
            status: components["schemas"]["StepStatus"];
            /** @description the instance's run (`<pipeline run>:<key>`); null before it starts */
            runId: string | null;
            error: string | null;
            /** @description the run it was carried over from by a resume (not run again) */
            carriedFrom: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-27T06:00:00.000Z
             */
            endedAt: string | null;
            durationMs: number | null;
            attempts: number | null;
        };
        LogChunk: {
            attempt: number;
            offset: number;
            nextOffset: number;
            size: number;
            data: string;
            /** @description true when the attempt has ended and nextOffset is its end */
            complete: boolean;
        };
        TemplateList: {
            templates: components["schemas"]["Template"][];
            /** @description template folders that could not be read, and why */
            problems: {
                name: string;
                /** @enum {string} */
                source: "builtin" | "user";
                message: string;
            }[];
        };
        Template: {
            /** @example repo-digest */
            name: string;
            title: string;
            description: string;
            /** @enum {string} */
            kind: "recipe" | "pipeline";
            /** @description the recipe or pipeline file, relative to the template folder */
            entry: string;
            /** @description the suggested schedule */
            schedule: {
                /** @example 0 8 * * * */
                cron: string;
                /** @example every day at 08:00 */
                description: string;
            };
            tags: string[];
            /**
             * @description built-in, or from the user's templates directory
             * @enum {string}
             */
            source: "builtin" | "user";
            /** @description the template's folder on the server host */
            dir: string;
            /** @description e.g. that a user template shadows the built-in one of its name */
            note: string | null;
        };
        TemplateDetail: {
            /** @example repo-digest */
            name: string;
            title: string;
            description: string;
            /** @enum {string} */
            kind: "recipe" | "pipeline";
            /** @description the recipe or pipeline file, relative to the template folder */
            entry: string;
            /** @description the suggested schedule */
            schedule: {
                /** @example 0 8 * * * */
                cron: string;
                /** @example every day at 08:00 */
                description: string;
            };
            tags: string[];
            /**
             * @description built-in, or from the user's templates directory
             * @enum {string}
             */
            source: "builtin" | "user";
            /** @description the template's folder on the server host */
            dir: string;
            /** @description e.g. that a user template shadows the built-in one of its name */
            note: string | null;
            /** @description the entry's declared parameters: what `use` takes as params */
            parameters: components["schemas"]["RecipeParameter"][];
            /** @description the files `use` writes, the entry first */
            files: {
                path: string;
                content: string;
            }[];
        };
        TemplateUseResult: {
            template: string;
            /** @enum {string} */
            source: "builtin" | "user";
            dir: string;
            /** @description the entry as written (absolute) */
            entry: string;
            files: {
                path: string;
                /** @enum {string} */
                status: "created" | "unchanged" | "overwritten";
            }[];
            verdict: components["schemas"]["RecipeVerdict"];
            schedule: components["schemas"]["Schedule"] | null;
            /** @description why no schedule was created although one was asked for */
            scheduleSkipped: string | null;
        };
        RecipeVerdict: {
            file: string;
            /** @enum {string} */
            format: "yaml" | "json";
            valid: boolean;
            headless: {
                ok: boolean;
                reasons: string[];
            };
            params: {
                [key: string]: string;
            };
            errors: components["schemas"]["RecipeProblem"][];
            warnings: components["schemas"]["RecipeProblem"][];
        };
        RecipeProblem: {
            /** @enum {string} */
            severity: "error" | "warning";
            code: string;
            message: string;
            path: string;
            line?: number;
            column?: number;
            allowed?: string[];
            /** @description the file the problem is in when it is not the one validated: a pipeline step’s recipe */
            file?: string;
        };
        TemplateUse: {
            /**
             * @description an absolute directory on the server host; created if missing
             * @example /home/me/recipes/repo-digest
             */
            dir: string;
            params?: {
                [key: string]: string;
            };
            /** @description overwrite files there that differ from the template */
            force?: boolean;
            /** @description given: a schedule is created once the entry validates */
            schedule?: {
                /** @description default: the template name */
                id?: string;
                /** @description default: the suggested one */
                cron?: string;
                /** @description default: the server's zone */
                timezone?: string;
            };
        };
        RecipeCheck: {
            recipe: string;
            params?: {
                [key: string]: string;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
