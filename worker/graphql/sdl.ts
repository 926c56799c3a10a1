/**
 * The GraphQL schema's SDL (contract: "GraphQL", v1.1): the same data and rules as the REST
 * endpoints. Plain text with no imports, so the build script that hashes the persisted operations
 * (Node) validates them against exactly what the Worker serves at `GET /graphql/schema`.
 */
export const SDL = /* GraphQL */ `
  """
  Any JSON value: record values, flag values, push data.
  """
  scalar JSON

  """
  Milliseconds since the epoch (a JSON number; too large for Int).
  """
  scalar Timestamp

  type Query {
    """
    The signed-in user (GET /v1/me).
    """
    me: User!
    """
    The caller's spaces with their role, personal first (GET /v1/spaces).
    """
    spaces: [Space!]!
    """
    One of the caller's spaces; "me" is the personal space. not_found if not a member.
    """
    space(id: ID!): Space!
    """
    The in-app inbox, newest first (GET /v1/notifications). first: 1..100.
    """
    inbox(first: Int = 20, after: String): InboxConnection!
    """
    Remote config and flags for this device (GET /v1/config); the only field open without a user.
    """
    config: Config!
    """
    The home screen, tailored to the device like GET /v1/screens/home (same builder).
    """
    home: Home!
  }

  type Mutation {
    """
    POST /v1/sync/{spaceId}/push, through the space's SyncSpace object (retries are safe).
    """
    syncPush(spaceId: ID!, clientId: String!, mutations: [SyncMutationInput!]!): SyncPushResult!
    """
    PUT /v1/devices/{deviceId}: register or update this install (replaces the registration).
    """
    registerDevice(deviceId: ID!, input: DeviceInput!): Device!
    """
    POST /v1/notifications/{id}/read (idempotent). not_found for someone else's entry.
    """
    markInboxItemRead(id: ID!): Boolean!
  }

  type User {
    id: ID!
    email: String
    anonymous: Boolean!
  }

  enum SpaceRole {
    owner
    editor
    viewer
  }

  enum SpaceKind {
    personal
    shared
  }

  type Space {
    id: ID!
    name: String!
    kind: SpaceKind!
    role: SpaceRole!
    version: Int!
    createdAt: Timestamp!
    members: [SpaceMember!]!
    """
    Live records in version order (oldest change first). first: 1..100; after: a previous endCursor.
    """
    records(first: Int = 50, after: String, collection: String): RecordConnection!
  }

  type SpaceMember {
    userId: ID!
    role: SpaceRole!
    createdAt: Timestamp!
  }

  type Record {
    space: Space!
    collection: String!
    key: String!
    version: Int!
    """
    The value as this app version sees it (fields it does not know are left out).
    """
    value: JSON!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  type RecordConnection {
    nodes: [Record!]!
    pageInfo: PageInfo!
  }

  type InboxItem {
    id: ID!
    campaignId: ID!
    title: String!
    body: String!
    data: JSON!
    createdAt: Timestamp!
    readAt: Timestamp
  }

  type InboxConnection {
    nodes: [InboxItem!]!
    pageInfo: PageInfo!
  }

  type Config {
    minVersion: String
    storeUrl: String
    """
    Flag name → value for this device and user.
    """
    flags: JSON!
  }

  type Home {
    user: User!
    spaces: [HomeSpace!]!
    recent: [HomeRecord!]!
    unreadCount: Int!
    """
    What the user has bought, as GET /v1/entitlements answers it.
    """
    entitlements: [Entitlement!]!
    config: HomeConfig!
  }

  """
  One entitlement granted by a store purchase (App Store or Google Play).
  """
  type Entitlement {
    id: ID!
    active: Boolean!
    source: String!
    productId: String!
    expiresAt: Timestamp
    willRenew: Boolean!
    inGracePeriod: Boolean!
    updatedAt: Timestamp!
  }

  type HomeSpace {
    id: ID!
    name: String!
    role: SpaceRole!
    recordCount: Int!
  }

  """
  A recently changed record: identity plus the value fields of its collection (null when absent,
  unknown to this app version, or of another collection). Image URLs are sized for the device.
  """
  type HomeRecord {
    space: ID!
    collection: String!
    key: String!
    version: Int!
    title: String
    done: Boolean
    dueAt: Timestamp
    imageUrl: String
    tags: [String!]
    body: String
  }

  type HomeConfig {
    minVersion: String
    flags: JSON!
  }

  enum SyncOp {
    put
    patch
    delete
  }

  input SyncMutationInput {
    id: Int!
    collection: String!
    key: String!
    op: SyncOp!
    value: JSON
    baseVersion: Int
  }

  type SyncMutationError {
    code: String!
    message: String!
    errors: JSON
  }

  type SyncRecord {
    collection: String!
    key: String!
    version: Int!
    deleted: Boolean!
    value: JSON
  }

  type SyncMutationResult {
    id: Int!
    status: String!
    record: SyncRecord
    error: SyncMutationError
  }

  type SyncPushResult {
    lastMutationId: Int!
    version: Int!
    results: [SyncMutationResult!]!
  }

  input DeviceInput {
    platform: String!
    pushProvider: String
    pushToken: String
    appVersion: String
    locale: String
    timezone: String
    topics: [String!]
  }

  type Device {
    id: ID!
    platform: String!
    pushProvider: String
    pushToken: String
    pushTokenUpdatedAt: Timestamp
    pushTokenInvalidAt: Timestamp
    appVersion: String
    locale: String
    timezone: String
    topics: [String!]!
    createdAt: Timestamp!
    updatedAt: Timestamp!
  }
`;
