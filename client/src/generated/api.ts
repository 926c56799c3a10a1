/**
 * Generated from the server's /openapi.json by `npm run client:types` (openapi-typescript).
 * Do not edit: `npm test` fails when this file and the running server's document differ.
 */

export type paths = {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify Outpost access tokens (for other services) */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/graphql": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Run a persisted GraphQL query over GET (cacheable: ETag and 304)
         * @description The same as POST with the parameters in the URL (`extensions` and `variables` as JSON), as Apollo clients send persisted queries with GET. Mutations are refused over GET (405).
         */
        get: operations["graphqlGet"];
        put?: never;
        /**
         * Run a persisted GraphQL operation (mutations too)
         * @description Send `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"…"}},"variables":{…}}`; the allow-list is built from the repository's .graphql files. Query text is accepted only with the admin key (Authorization: Bearer ADMIN_API_KEY), or where GRAPHQL_ALLOW_ARBITRARY=true. `config` is open to callers without a user; everything else needs one.
         */
        post: operations["graphql"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/graphql/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The GraphQL schema (SDL), for codegen (Apollo iOS/Kotlin, urql) */
        get: operations["getGraphqlSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and D1 reachability */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the remote config back */
        get: operations["getAdminConfig"];
        /**
         * Replace the remote config
         * @description Validated strictly (unknown fields are invalid_body). Live at once on the instance that stores it, and everywhere within 60 seconds. Send `If-Match` with the ETag of a GET to refuse the write (412 precondition_failed) if someone else changed the config since.
         */
        put: operations["replaceAdminConfig"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/push/audience": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * How many devices a campaign target reaches now
         * @description The same target as `POST /v1/push/campaigns` and the same query its fan-out runs: devices with a live push token that match every criterion. Nothing is stored or sent.
         */
        post: operations["countPushAudience"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/anonymous": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in anonymously (a new user; upgrade later with /v1/auth/oidc) */
        post: operations["signInAnonymously"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the caller's session: its refresh token and access tokens stop working */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/oidc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with an OpenID Connect ID token (upgrades the caller's anonymous user)
         * @description With a valid anonymous access token as bearer, a new identity is linked to that same user (same id, anonymous becomes false). An identity that already belongs to a user signs into that user; nothing is merged, except the anonymous caller's store purchases, which move to that user.
         */
        post: operations["signInWithOidc"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new pair (single use, rotating)
         * @description Re-presenting the immediately previous refresh token within 10 seconds of its use is a retry and gets a working pair. Any other reuse revokes the session: 401 refresh_token_reused.
         */
        post: operations["refreshTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Remote config and feature flags for this device
         * @description Evaluated for the caller's X-Platform, X-App-Version, first Accept-Language locale and (for percentage rollouts and entitlement rules) user. Callers without an access token never match percentage or entitlement rules. Open to outdated apps too: it is how they learn the minimum version and store URL.
         */
        get: operations["getConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's devices */
        get: operations["listDevices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/devices/{deviceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Register or update this install (idempotent; replaces the registration)
         * @description Fields left out are cleared (PUT replaces). A push token held by another device row, of this or another user, moves to this device. A deviceId registered by another user moves to the caller only when the body presents the push token that device holds (the phone changed hands) or that user signed out on it; otherwise 409 device_owned_elsewhere and nothing changes (the app should generate a new install id and register that).
         */
        put: operations["registerDevice"];
        post?: never;
        /** Unregister a device (it stops receiving pushes) */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's entitlements (App Store and Google Play purchases, verified)
         * @description One entry per entitlement any of the caller's purchases grants (ENTITLEMENTS maps products to entitlements), active or not. A silent push with data.type = "entitlements" says when to read again.
         */
        get: operations["listEntitlements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's in-app inbox, newest first
         * @description `cursor` is the previous page's `cursor` (a number); `limit` 1..100, default 20.
         */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark an inbox entry read (idempotent) */
        post: operations["markNotificationRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/purchases/app-store": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report an App Store purchase right after it completes (StoreKit 2 signedTransaction)
         * @description The transaction is verified like a store notification and linked to the caller. Set the purchase's appAccountToken to the Outpost user id so the store's own notifications find the user too. A purchase already linked to another user is 409 purchase_owned_elsewhere and nothing changes.
         */
        post: operations["reportAppStorePurchase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/purchases/play": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report a Google Play purchase right after it completes
         * @description The purchase token is looked up with the Play Developer API (subscription, else one-time product), linked to the caller and acknowledged. Set obfuscatedExternalAccountId to the Outpost user id at purchase time so Google's notifications find the user too. A purchase already linked to another user is 409 purchase_owned_elsewhere and nothing changes.
         */
        post: operations["reportPlayPurchase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/push/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a push campaign (admin)
         * @description Answers 202 as soon as the campaign is stored and scheduled; provider calls happen in the queue. An optional `Idempotency-Key` header (1-255 visible ASCII characters) makes a retry return the same campaign; reusing it for a different body is 409 idempotency_conflict. Target criteria combine with AND (lists with OR); `target: {}` reaches every device with a live push token.
         */
        post: operations["createCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/push/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign's status and delivery stats (admin) */
        get: operations["getCampaign"];
        put?: never;
        post?: never;
        /**
         * Cancel what has not been sent yet (admin)
         * @description 204 also when the campaign was already cancelled. A campaign that has been sent completely cannot be cancelled: 409 conflict.
         */
        delete: operations["cancelCampaign"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/push/opened": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The app reports that the user opened a push (counted once per device) */
        post: operations["reportPushOpened"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screens/home": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Everything the home screen renders, in one round trip
         * @description Tailored to the device profile: fewer recent records on Save-Data or a slow ECT, image URLs sized for DPR × Viewport-Width, fields the app version does not know left out. `fields` picks a sparse field set (`user,recent.title`); picking any key of a list item keeps its identity keys (`space, collection, key, version` for recent records, `id` for spaces).
         */
        get: operations["getHomeScreen"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user's live sessions (signed-in devices) */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of the user's sessions (sign that device out) */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's spaces with their role (the personal space is made on first use) */
        get: operations["listSpaces"];
        put?: never;
        /** Create a shared space; the caller becomes its owner */
        post: operations["createSpace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spaces/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The space's members and their roles */
        get: operations["listSpaceMembers"];
        put?: never;
        /** Add a member to a shared space, or change their role (owner only) */
        post: operations["addSpaceMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spaces/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (the owner), or leave the space (a member) */
        delete: operations["removeSpaceMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sync/{spaceId}/pull": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Changes after a cursor, oldest first, each record at most once */
        get: operations["pullChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sync/{spaceId}/push": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Apply a batch of mutations in server order (retries are safe) */
        post: operations["pushMutations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sync/{spaceId}/socket": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * WebSocket of pokes: the space's version, whenever it moves
         * @description WebSocket upgrade (bearer token in `Authorization` or `?token=`; `X-Device-Id` or `?deviceId=` names the caller's registered device so it gets pokes instead of silent pushes — another user's device id is ignored). The server sends `{"type":"poke","version":N,"bookmark":"..."}` on connect and whenever the space's version moves (`bookmark`: the change's `Outpost-Bookmark`, to pull it with; absent before the first change); `{"type":"ping"}` is answered `{"type":"pong"}`. The socket closes with 4001 within 30 seconds of its session ending (logout, revocation) or its access token expiring: refresh, then reconnect; 4003 when the user is removed from the space.
         */
        get: operations["openSyncSocket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/app-store": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * App Store Server Notifications v2 (set this URL in App Store Connect)
         * @description Verified end to end (x5c chain of three to the pinned Apple root, Apple's OIDs, ES256, bundle id, environment, app Apple id). 200 only once the notification is durably recorded and applied; a replay (same notificationUUID) is 200 with nothing applied again; anything unverifiable is 401 with nothing stored. Reads and writes the primary.
         */
        post: operations["appStoreNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/play": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Google Play real-time developer notifications (the Pub/Sub push subscription's endpoint)
         * @description Authenticated Pub/Sub push: the bearer is a Google-signed OIDC token (RS256, iss accounts.google.com, aud PLAY_PUBSUB_AUDIENCE, email PLAY_PUBSUB_SERVICE_ACCOUNT_EMAIL, email_verified). The purchase is looked up with the Play Developer API and acknowledged when needed. 200 only once durably recorded (a replay of a messageId is 200 with nothing applied again); 401 with nothing stored when the bearer does not verify; 503 when Google Play could not be reached (Pub/Sub retries). Reads the primary.
         */
        post: operations["playNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        AppStoreNotification: {
            signedPayload: string;
        };
        AppStorePurchaseReport: {
            signedTransaction: string;
        };
        Device: {
            appVersion: string | null;
            createdAt: number;
            id: string;
            locale: string | null;
            /** @enum {string} */
            platform: "ios" | "android";
            /** @enum {string|null} */
            pushProvider: "apns" | "fcm" | null;
            pushToken: string | null;
            /** @description Set when FCM/APNs called the token dead; the app should register a new one */
            pushTokenInvalidAt: number | null;
            pushTokenUpdatedAt: number | null;
            timezone: string | null;
            topics: string[];
            updatedAt: number;
        };
        DeviceConfig: {
            /**
             * @example {
             *       "newOnboarding": true
             *     }
             */
            flags: {
                [key: string]: components["schemas"]["FlagValue"];
            };
            /** @example 3.0.0 */
            minVersion: string | null;
            /** @example https://apps.apple.com/app/id1 */
            storeUrl: string | null;
        };
        /**
         * @example {
         *       "platform": "ios",
         *       "pushProvider": "apns",
         *       "pushToken": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         *       "appVersion": "3.2.1",
         *       "locale": "de-CH",
         *       "timezone": "Europe/Zurich",
         *       "topics": [
         *         "news"
         *       ]
         *     }
         */
        DeviceRegistration: {
            appVersion?: string | null;
            locale?: string | null;
            /** @enum {string} */
            platform: "ios" | "android";
            /**
             * @description apns (iOS only) or fcm (Android, or iOS through Firebase)
             * @enum {string|null}
             */
            pushProvider?: "apns" | "fcm" | null;
            pushToken?: string | null;
            timezone?: string | null;
            topics?: string[];
        };
        Entitlement: {
            active: boolean;
            /** @description When access ends unless renewed (ms); in a grace period, the grace period's end */
            expiresAt?: number;
            /** @example pro */
            id: string;
            inGracePeriod: boolean;
            /** @example com.example.pro.monthly */
            productId: string;
            /** @enum {string} */
            source: "app_store" | "play";
            updatedAt: number;
            willRenew: boolean;
        };
        Entitlements: {
            entitlements: components["schemas"]["Entitlement"][];
        };
        Flag: {
            default: components["schemas"]["FlagValue"];
            /** @default [] */
            rules: components["schemas"]["FlagRule"][];
        };
        FlagRule: {
            /** @example >=3.2.0 */
            appVersion?: string;
            /**
             * @description Matches a signed-in user holding any of these active entitlements; callers without a token never match
             * @example [
             *       "pro"
             *     ]
             */
            entitlements?: string[];
            locales?: string[];
            percent?: number;
            platforms?: ("ios" | "android")[];
            value: components["schemas"]["FlagValue"];
        };
        FlagValue: boolean | number | string | null;
        GraphqlRequest: {
            /**
             * @example {
             *       "persistedQuery": {
             *         "version": 1,
             *         "sha256Hash": "a96a2a7326c16fbf642efea8847ad2396c55ee3ac39c0da02f6fb25c3b6cfac5"
             *       }
             *     }
             */
            extensions?: ({
                persistedQuery?: {
                    sha256Hash: string;
                    /** @enum {number} */
                    version: 1;
                };
            } & {
                [key: string]: unknown;
            }) | null;
            operationName?: string | null;
            /** @description Only with the admin key (or in development) */
            query?: string;
            variables?: {
                [key: string]: unknown;
            } | null;
        };
        /** @description A GraphQL response; each error's extensions.code is one of the contract's codes */
        GraphqlResponse: {
            data?: {
                [key: string]: unknown;
            } | null;
            errors?: {
                extensions: {
                    code: string;
                } & {
                    [key: string]: unknown;
                };
                message: string;
                path?: (string | number)[];
            }[];
        };
        HomeScreen: {
            config?: {
                flags?: {
                    [key: string]: unknown;
                };
                minVersion?: string | null;
            };
            /** @description As GET /v1/entitlements */
            entitlements?: {
                active?: boolean;
                /** @description When access ends unless renewed (ms); in a grace period, the grace period's end */
                expiresAt?: number;
                /** @example pro */
                id?: string;
                inGracePeriod?: boolean;
                /** @example com.example.pro.monthly */
                productId?: string;
                /** @enum {string} */
                source?: "app_store" | "play";
                updatedAt?: number;
                willRenew?: boolean;
            }[];
            recent?: ({
                collection: string;
                key: string;
                space: string;
                version: number;
            } & {
                [key: string]: unknown;
            })[];
            spaces?: {
                id?: string;
                name?: string;
                recordCount?: number;
                /** @enum {string} */
                role?: "owner" | "editor" | "viewer";
            }[];
            unreadCount?: number;
            user?: {
                anonymous?: boolean;
                email?: string | null;
                id?: string;
            };
        };
        PlatformPolicy: {
            /** @example 3.0.0 */
            minVersion: string;
            /** @example https://apps.apple.com/app/id1 */
            storeUrl: string;
        };
        PlayPubSubPush: {
            message: {
                attributes?: {
                    [key: string]: string;
                };
                data: string;
                messageId?: string;
                publishTime?: string;
            } & {
                [key: string]: unknown;
            };
            subscription?: string;
        } & {
            [key: string]: unknown;
        };
        PlayPurchaseReport: {
            productId: string;
            purchaseToken: string;
        };
        /** @description RFC 9457 problem details (application/problem+json) */
        Problem: {
            /**
             * @description Stable and machine-readable; branch on this, never on text. Today one of invalid_json, invalid_body, invalid_query, payload_too_large, unsupported_media_type, unauthorized, forbidden, not_found, method_not_allowed, upgrade_required, invalid_id_token, invalid_refresh_token, refresh_token_reused, mutation_gap, resync_required, conflict, device_owned_elsewhere, purchase_owned_elsewhere, idempotency_conflict, precondition_failed, persisted_query_not_found, rate_limited, service_unavailable, internal. Clients should treat a code they do not know like its status.
             * @example invalid_body
             */
            code: string;
            detail: string;
            /** @description Each field that failed validation (invalid_body, invalid_query) */
            errors?: {
                message: string;
                /** @example mutations.0.key */
                path: string;
            }[];
            /** @description The X-Request-Id of this call, for support */
            requestId: string;
            /** @example 400 */
            status: number;
            /** @example Invalid request body */
            title: string;
            /** @example https://outpost.dev/problems/invalid-body */
            type: string;
        };
        PublicJwk: {
            /** @enum {string} */
            alg: "ES256";
            /** @enum {string} */
            crv: "P-256";
            kid: string;
            /** @enum {string} */
            kty: "EC";
            /** @enum {string} */
            use: "sig";
            x: string;
            y: string;
        };
        RefreshResponse: {
            accessToken: string;
            /** @description Access token lifetime in seconds */
            expiresIn: number;
            refreshToken: string;
        };
        RemoteConfig: {
            /** @default {} */
            flags: {
                [key: string]: components["schemas"]["Flag"];
            };
            /** @default {} */
            platforms: {
                android?: components["schemas"]["PlatformPolicy"];
                ios?: components["schemas"]["PlatformPolicy"];
            };
        };
        Session: {
            createdAt: number;
            /** @description The session of the access token making this call */
            current: boolean;
            deviceId: string | null;
            id: string;
            /** @description Last sign-in or refresh (ms since epoch) */
            lastSeenAt: number;
            platform: string | null;
        };
        Space: {
            createdAt: number;
            id: string;
            /** @enum {string} */
            kind: "personal" | "shared";
            name: string;
            /** @enum {string} */
            role: "owner" | "editor" | "viewer";
            version: number;
        };
        SpaceMember: {
            createdAt: number;
            /** @enum {string} */
            role: "owner" | "editor" | "viewer";
            userId: string;
        };
        SyncMutation: {
            baseVersion?: number;
            collection: string;
            id: number;
            key: string;
            /** @enum {string} */
            op: "put" | "patch" | "delete";
            value?: {
                [key: string]: unknown;
            };
        };
        SyncMutationResult: {
            error?: {
                code: string;
                errors?: {
                    message: string;
                    path: string;
                }[];
                message: string;
            };
            id: number;
            record?: components["schemas"]["SyncRecord"];
            /** @enum {string} */
            status: "applied" | "conflict" | "rejected";
        };
        SyncPullResponse: {
            changes: components["schemas"]["SyncRecord"][];
            cursor: number;
            hasMore: boolean;
            lastMutationId: number;
        };
        SyncPushRequest: {
            clientId: string;
            mutations: components["schemas"]["SyncMutation"][];
        };
        SyncPushResponse: {
            lastMutationId: number;
            results: components["schemas"]["SyncMutationResult"][];
            version: number;
        };
        SyncRecord: {
            collection: string;
            deleted: boolean;
            key: string;
            value: {
                [key: string]: unknown;
            } | null;
            version: number;
        };
        TokenResponse: {
            accessToken: string;
            /** @description Access token lifetime in seconds */
            expiresIn: number;
            refreshToken: string;
            user: components["schemas"]["User"];
        };
        /** @description RFC 9457 problem details (application/problem+json) */
        UpgradeRequiredProblem: components["schemas"]["Problem"] & {
            /** @example 3.0.0 */
            minVersion: string;
            /** @example https://apps.apple.com/app/id1 */
            storeUrl: string;
        };
        User: {
            anonymous: boolean;
            email: string | null;
            id: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JWK set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: components["schemas"]["PublicJwk"][];
                    };
                };
            };
        };
    };
    graphqlGet: {
        parameters: {
            query?: {
                extensions?: string;
                operationName?: string;
                query?: string;
                variables?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation ran: `data`, and `errors[]` for fields that failed (not_found, forbidden, rate_limited …). A query's answer carries an ETag (GET answers 304 to If-None-Match). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                };
            };
            /** @description Unchanged since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description persisted_query_not_found (an id not in the allow-list, or query text without the admin key), invalid_query (syntax, validation, depth or cost over the limits), or the pipeline's invalid_json / invalid_body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the operation needs a user and none was verified, or a bad credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    graphql: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GraphqlRequest"];
            };
        };
        responses: {
            /** @description The operation ran: `data`, and `errors[]` for fields that failed (not_found, forbidden, rate_limited …). A query's answer carries an ETag (GET answers 304 to If-None-Match). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                };
            };
            /** @description persisted_query_not_found (an id not in the allow-list, or query text without the admin key), invalid_query (syntax, validation, depth or cost over the limits), or the pipeline's invalid_json / invalid_body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the operation needs a user and none was verified, or a bad credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphqlResponse"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    getGraphqlSchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schema in SDL */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        ok: true;
                    };
                };
            };
            /** @description service_unavailable: D1 is unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAdminConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The live config (as stored, defaults filled in) */
            200: {
                headers: {
                    /** @description Grows by one or more with every PUT; 0 before the first */
                    "X-Config-Revision": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemoteConfig"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceAdminConfig: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RemoteConfig"];
            };
        };
        responses: {
            /** @description The stored config */
            200: {
                headers: {
                    /** @description Grows by one or more with every PUT; 0 before the first */
                    "X-Config-Revision": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemoteConfig"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description precondition_failed: If-Match names a revision that is no longer live */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: the Analytics Engine SQL API did not answer (production) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    countPushAudience: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    target: {
                        appVersion?: string;
                        deviceIds?: string[];
                        entitlements?: string[];
                        locales?: string[];
                        platforms?: ("ios" | "android")[];
                        topics?: string[];
                        userIds?: string[];
                    };
                };
            };
        };
        responses: {
            /** @description The audience */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        devices: number;
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    signInAnonymously: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deviceId?: string;
                };
            };
        };
        responses: {
            /** @description Signed in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    signInWithOidc: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deviceId?: string;
                    idToken: string;
                    nonce?: string;
                    provider: string;
                };
            };
        };
        responses: {
            /** @description Signed in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_id_token, or unauthorized: the bearer sent is not a valid access token */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    refreshTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description A new pair */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResponse"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_refresh_token, or refresh_token_reused (the session is revoked) */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConfig: {
        parameters: {
            query?: never;
            header?: {
                "if-none-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The config for this device, with a strong ETag */
            200: {
                headers: {
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceConfig"];
                };
            };
            /** @description Unchanged since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unauthorized: an access token was sent but is invalid (send none to be evaluated anonymously) */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDevices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's devices, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        devices: components["schemas"]["Device"][];
                    };
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deviceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceRegistration"];
            };
        };
        responses: {
            /** @description The device */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description device_owned_elsewhere: the deviceId is another user's device; nothing changed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such device among the caller's devices */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    listEntitlements: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entitlements */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Entitlements"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cursor: number | null;
                        items: {
                            body: string;
                            campaignId: string;
                            createdAt: number;
                            data: {
                                [key: string]: string;
                            };
                            id: string;
                            readAt: number | null;
                            title: string;
                        }[];
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    markNotificationRead: {
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
            /** @description Read */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (also what belongs to someone else: no existence oracle) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    reportAppStorePurchase: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppStorePurchaseReport"];
            };
        };
        responses: {
            /** @description The caller's entitlements after the purchase */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Entitlements"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description purchase_owned_elsewhere: the purchase is linked to another user; nothing changed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    reportPlayPurchase: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlayPurchaseReport"];
            };
        };
        responses: {
            /** @description The caller's entitlements after the purchase */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Entitlements"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description purchase_owned_elsewhere: the purchase is linked to another user; nothing changed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description service_unavailable: retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body?: string;
                    collapseKey?: string;
                    data?: {
                        [key: string]: string;
                    };
                    localTime?: string;
                    /** @enum {string} */
                    priority?: "high" | "normal";
                    sendAt?: number;
                    silent?: boolean;
                    target: {
                        appVersion?: string;
                        deviceIds?: string[];
                        entitlements?: string[];
                        locales?: string[];
                        platforms?: ("ios" | "android")[];
                        topics?: string[];
                        userIds?: string[];
                    };
                    title?: string;
                    ttlSeconds?: number;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "scheduled" | "sending";
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCampaign: {
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
            /** @description The campaign */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: number;
                        id: string;
                        localTime: string | null;
                        sendAt: number | null;
                        silent: boolean;
                        stats: {
                            cancelled: number;
                            failed: {
                                [key: string]: number;
                            };
                            opened: number;
                            pending: number;
                            pruned: number;
                            sent: number;
                            targeted: number;
                            withheld: {
                                [key: string]: number;
                            };
                        };
                        /** @enum {string} */
                        status: "scheduled" | "sending" | "sent" | "cancelled";
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (also what belongs to someone else: no existence oracle) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelCampaign: {
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
            /** @description Cancelled */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description forbidden: authenticated but not allowed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (also what belongs to someone else: no existence oracle) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reportPushOpened: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    campaignId: string;
                    deviceId: string;
                };
            };
        };
        responses: {
            /** @description Recorded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (also what belongs to someone else: no existence oracle) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    getHomeScreen: {
        parameters: {
            query?: {
                /** @description Comma-separated field paths */
                fields?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The home screen, with an ETag per representation */
            200: {
                headers: {
                    ETag: string;
                    Vary: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HomeScreen"];
                };
            };
            /** @description Unchanged since the ETag in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sessions, most recently seen first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"][];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    revokeSession: {
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
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (also what belongs to someone else: no existence oracle) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    listSpaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's spaces with their role, personal first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        spaces: components["schemas"]["Space"][];
                    };
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    createSpace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description A new shared space; the caller is its owner */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Space"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    listSpaceMembers: {
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
            /** @description The space's members (any member may list them) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        members: components["schemas"]["SpaceMember"][];
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    addSpaceMember: {
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
                "application/json": {
                    /** @enum {string} */
                    role: "editor" | "viewer";
                    userId: string;
                };
            };
        };
        responses: {
            /** @description The member was added (or their role changed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        role: string;
                        spaceId: string;
                        userId: string;
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the owner, a personal space, or the owner's own role */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member), or no such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    removeSpaceMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed (the owner removing a member, or a member leaving); their sockets close */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not the owner (removing someone else), or the owner themselves */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member), or no such member */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    pullChanges: {
        parameters: {
            query?: {
                clientId?: string;
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path: {
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Changes after cursor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncPullResponse"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description resync_required: pull again from cursor 0 */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
        };
    };
    pushMutations: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SyncPushRequest"];
            };
        };
        responses: {
            /** @description Applied in server order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncPushResponse"];
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: missing, invalid or expired credential */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Viewers may pull but not push */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description mutation_gap: nothing applied */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over 500 mutations, 1 MiB, or a value over 256 KiB: nothing applied */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description rate_limited: too many requests; retry after `Retry-After` seconds (nothing was changed) */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openSyncSocket: {
        parameters: {
            query?: {
                deviceId?: string;
            };
            header?: never;
            path: {
                spaceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching protocols */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_query: not a WebSocket upgrade (Upgrade: websocket) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired token (before any upgrade) */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such space (or not a member) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description upgrade_required: X-App-Version is below the platform's minimum (minVersion, storeUrl) */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UpgradeRequiredProblem"];
                };
            };
            /** @description service_unavailable: retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    appStoreNotification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppStoreNotification"];
            };
        };
        responses: {
            /** @description Recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        ok: true;
                        replay: boolean;
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the notification did not verify; nothing was stored */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    playNotification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlayPubSubPush"];
            };
        };
        responses: {
            /** @description Recorded */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        ok: true;
                        replay: boolean;
                    };
                };
            };
            /** @description invalid_json, invalid_body or invalid_query (`errors[]` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the push's bearer did not verify; nothing was stored */
            401: {
                headers: {
                    /** @description Sent when the access token is the problem */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unsupported_media_type: request bodies are application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
