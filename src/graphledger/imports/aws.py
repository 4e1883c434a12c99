"""AWS inventories to CIs: CloudMapper's describe-output folders and AWS Config snapshots.

Keys are ARNs; where the API gives only an id (EC2), the ARN is built from region, account and id
(`arn:aws:ec2:us-east-1:123456789012:instance/i-0a1`). Every CI also carries `cloud_id` (the id)
and `arn`, which identification matches on across sources and classes.

Scope: an AWS account and region (`aws:<account>/<region>`). An import covers the scopes of the
resources it holds; after it, CIs of those scopes it no longer reports are marked stale. A Config
item with status `ResourceDeleted` marks its CI stale at once and is never created.

Relationships: instance LOCATED_IN subnet, subnet LOCATED_IN VPC, resources DEPENDS_ON their
security groups, load balancer DEPENDS_ON its instances, database and function LOCATED_IN their
subnets (and VPC), security group CONNECTS_TO the groups its rules admit. References to ids the
input does not hold are reported as unresolved.
"""

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from graphledger.ci.keys import key_problem
from graphledger.imports.model import (
    Batch,
    CIItem,
    Deletion,
    Rejection,
    RelationshipItem,
)
from graphledger.imports.parse import ParseError, parse_instant

CLASS_BY_TYPE = {
    "AWS::EC2::Instance": "VirtualMachine",
    "AWS::EC2::VPC": "Network",
    "AWS::EC2::Subnet": "Network",
    "AWS::EC2::SecurityGroup": "Network",
    "AWS::EC2::VPCEndpoint": "Network",
    "AWS::EC2::NetworkInterface": "Network",
    "AWS::EC2::Volume": "Storage",
    "AWS::ElasticLoadBalancing::LoadBalancer": "LoadBalancer",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "LoadBalancer",
    "AWS::RDS::DBInstance": "Database",
    "AWS::RDS::DBCluster": "Database",
    "AWS::Redshift::Cluster": "Database",
    "AWS::Elasticsearch::Domain": "Database",
    "AWS::OpenSearch::Domain": "Database",
    "AWS::DynamoDB::Table": "Database",
    "AWS::SQS::Queue": "Queue",
    "AWS::SNS::Topic": "Queue",
    "AWS::MSK::Cluster": "Queue",
    "AWS::S3::Bucket": "Storage",
    "AWS::ECR::Repository": "Storage",
    "AWS::ECS::Cluster": "Cluster",
    "AWS::ECS::Task": "Container",
}
EC2_ARN_KIND = {
    "AWS::EC2::Instance": "instance",
    "AWS::EC2::VPC": "vpc",
    "AWS::EC2::Subnet": "subnet",
    "AWS::EC2::SecurityGroup": "security-group",
    "AWS::EC2::Volume": "volume",
    "AWS::EC2::NetworkInterface": "network-interface",
    "AWS::EC2::VPCEndpoint": "vpc-endpoint",
}
DELETED = ("ResourceDeleted", "ResourceDeletedNotRecorded")


class AWSUnreadable(ValueError):
    """The input is not an AWS inventory we can read completely."""


def scope_of(account: str, region: str) -> str:
    return f"aws:{account}/{region}".lower()


def _tags(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return {
            str(t.get("Key", t.get("key"))): str(t.get("Value", t.get("value")))
            for t in raw
            if isinstance(t, dict)
        }
    return {}


class _Builder:
    """Collects CIs keyed by ARN and relationships by resource id, then resolves the ids."""

    def __init__(self, account: str, region: str, seen_at: datetime | None = None):
        self.account, self.region = account, region
        self.batch = Batch()
        self.by_id: dict[str, str] = {}
        self.edges: list[
            tuple[str, str, str, str]
        ] = []  # (source id, type, target id, ref)
        self.seen_at = seen_at

    def arn(self, type_: str, resource_id: str) -> str:
        kind = EC2_ARN_KIND.get(type_)
        if kind is None:
            return resource_id
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{resource_id}"

    def add(
        self,
        type_: str,
        resource_id: str,
        *,
        arn: str | None = None,
        name: str | None = None,
        ref: str,
        attributes: dict[str, Any] | None = None,
        scope: str | None = None,
        seen_at: datetime | None = None,
    ) -> str | None:
        key = arn or self.arn(type_, resource_id)
        problem = key_problem(key)
        if problem:
            self.batch.rejected.append(Rejection(ref, f"{key!r}: {problem}", "arn"))
            return None
        if resource_id in self.by_id:
            return self.by_id[resource_id]
        attrs: dict[str, Any] = {
            "source": "aws",
            "resource_type": type_,
            "cloud_id": resource_id,
            "arn": key,
            "aws_account": self.account,
            "aws_region": self.region,
            **(attributes or {}),
        }
        self.batch.cis.append(
            CIItem(
                key=key,
                class_=CLASS_BY_TYPE.get(type_, "CloudResource"),
                name=str(name or resource_id)[:300],
                attributes={
                    k: v for k, v in attrs.items() if v not in (None, "", [], {})
                },
                ref=ref,
                scope=scope or scope_of(self.account, self.region),
                seen_at=seen_at or self.seen_at,
            )
        )
        self.by_id[resource_id] = key
        if arn:
            self.by_id.setdefault(arn, key)
        return key

    def edge(self, source_id: str, type_: str, target_id: str | None, ref: str) -> None:
        if target_id:
            self.edges.append((source_id, type_, str(target_id), ref))

    def finish(self) -> Batch:
        done: set[tuple[str, str, str]] = set()
        for source_id, type_, target_id, ref in self.edges:
            source, target = self.by_id.get(source_id), self.by_id.get(target_id)
            if source is None:
                continue
            if target is None:
                self.batch.unresolved.append(
                    {"ref": ref, "from": source, "reference": f"{type_} {target_id}"}
                )
                continue
            if source != target and (source, type_, target) not in done:
                done.add((source, type_, target))
                self.batch.relationships.append(
                    RelationshipItem(source, type_, target, ref)
                )
        return self.batch


# ---- CloudMapper describe-output folders -------------------------------------------------------


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise AWSUnreadable(f"{path.name}: not valid JSON ({error})") from error


def _account_of(region_dir: Path) -> str:
    sts = region_dir / "sts-get-caller-identity.json"
    if sts.exists():
        return str(_load(sts).get("Account"))
    for file in sorted(region_dir.glob("*.json")):
        text = file.read_text(errors="replace")
        marker = text.find("arn:aws:")
        if marker >= 0:
            parts = text[marker : marker + 200].split(":")
            if len(parts) > 4 and parts[4].isdigit():
                return parts[4]
    raise AWSUnreadable(f"{region_dir}: cannot tell the AWS account")


def _per_resource(region_dir: Path, call: str) -> Iterable[tuple[str, Any]]:
    folder = region_dir / call
    if folder.is_dir():
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            yield unquote(file.name), _load(file)


def transform_cloudmapper(root: Path) -> Batch:
    """A CloudMapper account folder (`<region>/<service>-<call>.json`) to a batch."""
    batch = Batch()
    regions = sorted(
        d for d in root.iterdir() if d.is_dir() and any(d.glob("ec2-describe-*.json"))
    )
    if not regions:
        raise AWSUnreadable(f"{root}: no region folder with describe output")
    for region_dir in regions:
        region_batch = _cloudmapper_region(region_dir, _account_of(region_dir))
        batch.extend(region_batch)
    return batch


def _cloudmapper_region(region_dir: Path, account: str) -> Batch:
    region = region_dir.name
    b = _Builder(account, region)

    def read(call: str) -> Any:
        file = region_dir / f"{call}.json"
        return _load(file) if file.exists() else {}

    for vpc in read("ec2-describe-vpcs").get("Vpcs", []):
        tags = _tags(vpc.get("Tags"))
        b.add(
            "AWS::EC2::VPC",
            vpc["VpcId"],
            name=tags.get("Name"),
            ref=f"vpc {vpc['VpcId']}",
            attributes={"cidr": vpc.get("CidrBlock"), "tags": tags},
        )
    for subnet in read("ec2-describe-subnets").get("Subnets", []):
        tags, sid = _tags(subnet.get("Tags")), subnet["SubnetId"]
        b.add(
            "AWS::EC2::Subnet",
            sid,
            name=tags.get("Name"),
            ref=f"subnet {sid}",
            attributes={
                "cidr": subnet.get("CidrBlock"),
                "availability_zone": subnet.get("AvailabilityZone"),
                "tags": tags,
            },
        )
        b.edge(sid, "LOCATED_IN", subnet.get("VpcId"), f"subnet {sid}")
    for group in read("ec2-describe-security-groups").get("SecurityGroups", []):
        gid = group["GroupId"]
        b.add(
            "AWS::EC2::SecurityGroup",
            gid,
            name=group.get("GroupName"),
            ref=f"sg {gid}",
            attributes={
                "description": group.get("Description"),
                "tags": _tags(group.get("Tags")),
            },
        )
        b.edge(gid, "LOCATED_IN", group.get("VpcId"), f"sg {gid}")
    for group in read("ec2-describe-security-groups").get("SecurityGroups", []):
        for rule in group.get("IpPermissions") or []:
            for pair in rule.get("UserIdGroupPairs") or []:
                if pair.get("GroupId") != group["GroupId"]:
                    b.edge(
                        pair.get("GroupId"),
                        "CONNECTS_TO",
                        group["GroupId"],
                        f"sg {group['GroupId']} rule",
                    )
    for reservation in read("ec2-describe-instances").get("Reservations", []):
        for inst in reservation.get("Instances", []):
            iid, tags = inst["InstanceId"], _tags(inst.get("Tags"))
            macs = [n.get("MacAddress") for n in inst.get("NetworkInterfaces") or []]
            b.add(
                "AWS::EC2::Instance",
                iid,
                name=tags.get("Name"),
                ref=f"instance {iid}",
                attributes={
                    "instance_type": inst.get("InstanceType"),
                    "hostname": inst.get("PrivateDnsName"),
                    "private_ip": inst.get("PrivateIpAddress"),
                    "mac_addresses": sorted(m for m in macs if m),
                    "availability_zone": (inst.get("Placement") or {}).get(
                        "AvailabilityZone"
                    ),
                    "tags": tags,
                },
            )
            b.edge(iid, "LOCATED_IN", inst.get("SubnetId"), f"instance {iid}")
            for group in inst.get("SecurityGroups") or []:
                b.edge(iid, "DEPENDS_ON", group.get("GroupId"), f"instance {iid}")
    for endpoint in read("ec2-describe-vpc-endpoints").get("VpcEndpoints", []):
        eid = endpoint["VpcEndpointId"]
        b.add(
            "AWS::EC2::VPCEndpoint",
            eid,
            name=endpoint.get("ServiceName"),
            ref=f"vpc endpoint {eid}",
            attributes={"service": endpoint.get("ServiceName")},
        )
        b.edge(eid, "LOCATED_IN", endpoint.get("VpcId"), f"vpc endpoint {eid}")
        for sid in endpoint.get("SubnetIds") or []:
            b.edge(eid, "LOCATED_IN", sid, f"vpc endpoint {eid}")
    for lb in read("elb-describe-load-balancers").get("LoadBalancerDescriptions", []):
        name = lb["LoadBalancerName"]
        arn = f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{name}"
        b.add(
            "AWS::ElasticLoadBalancing::LoadBalancer",
            name,
            arn=arn,
            name=name,
            ref=f"elb {name}",
            attributes={"dns_name": lb.get("DNSName"), "scheme": lb.get("Scheme")},
        )
        for inst in lb.get("Instances") or []:
            b.edge(name, "DEPENDS_ON", inst.get("InstanceId"), f"elb {name}")
        for sid in lb.get("Subnets") or []:
            b.edge(name, "LOCATED_IN", sid, f"elb {name}")
        for gid in lb.get("SecurityGroups") or []:
            b.edge(name, "DEPENDS_ON", gid, f"elb {name}")
    for lb in read("elbv2-describe-load-balancers").get("LoadBalancers", []):
        arn = lb["LoadBalancerArn"]
        b.add(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            arn,
            arn=arn,
            name=lb.get("LoadBalancerName"),
            ref=f"alb {lb.get('LoadBalancerName')}",
            attributes={
                "dns_name": lb.get("DNSName"),
                "scheme": lb.get("Scheme"),
                "lb_type": lb.get("Type"),
            },
        )
        for zone in lb.get("AvailabilityZones") or []:
            b.edge(arn, "LOCATED_IN", zone.get("SubnetId"), f"alb {arn}")
        for gid in lb.get("SecurityGroups") or []:
            b.edge(arn, "DEPENDS_ON", gid, f"alb {arn}")
    for db in read("rds-describe-db-instances").get("DBInstances", []):
        arn = db["DBInstanceArn"]
        b.add(
            "AWS::RDS::DBInstance",
            arn,
            arn=arn,
            name=db.get("DBInstanceIdentifier"),
            ref=f"rds {db.get('DBInstanceIdentifier')}",
            attributes={
                "engine": db.get("Engine"),
                "instance_class": db.get("DBInstanceClass"),
                "allocated_storage_gb": db.get("AllocatedStorage"),
                "aliases": [db.get("DBInstanceIdentifier")],
            },
        )
        for subnet in (db.get("DBSubnetGroup") or {}).get("Subnets") or []:
            b.edge(arn, "LOCATED_IN", subnet.get("SubnetIdentifier"), f"rds {arn}")
        for group in db.get("VpcSecurityGroups") or []:
            b.edge(arn, "DEPENDS_ON", group.get("VpcSecurityGroupId"), f"rds {arn}")
    subnet_groups = {
        g.get("ClusterSubnetGroupName"): g
        for g in read("redshift-describe-cluster-subnet-groups").get(
            "ClusterSubnetGroups", []
        )
    }
    for cluster in read("redshift-describe-clusters").get("Clusters", []):
        cid = cluster["ClusterIdentifier"]
        arn = f"arn:aws:redshift:{region}:{account}:cluster:{cid}"
        b.add(
            "AWS::Redshift::Cluster",
            arn,
            arn=arn,
            name=cid,
            ref=f"redshift {cid}",
            attributes={
                "node_type": cluster.get("NodeType"),
                "nodes": cluster.get("NumberOfNodes"),
            },
        )
        group = subnet_groups.get(cluster.get("ClusterSubnetGroupName")) or {}
        for subnet in group.get("Subnets") or []:
            b.edge(arn, "LOCATED_IN", subnet.get("SubnetIdentifier"), f"redshift {cid}")
        for sg in cluster.get("VpcSecurityGroups") or []:
            b.edge(arn, "DEPENDS_ON", sg.get("VpcSecurityGroupId"), f"redshift {cid}")
    for fn in read("lambda-list-functions").get("Functions", []):
        arn = fn["FunctionArn"]
        vpc = fn.get("VpcConfig") or {}
        b.add(
            "AWS::Lambda::Function",
            arn,
            arn=arn,
            name=fn.get("FunctionName"),
            ref=f"lambda {fn.get('FunctionName')}",
            attributes={
                "runtime": fn.get("Runtime"),
                "memory_mb": fn.get("MemorySize"),
            },
        )
        for sid in vpc.get("SubnetIds") or []:
            b.edge(arn, "LOCATED_IN", sid, f"lambda {arn}")
        for gid in vpc.get("SecurityGroupIds") or []:
            b.edge(arn, "DEPENDS_ON", gid, f"lambda {arn}")
        if not vpc.get("SubnetIds"):
            b.edge(arn, "LOCATED_IN", vpc.get("VpcId"), f"lambda {arn}")
    for arn in read("ecs-list-clusters").get("clusterArns", []):
        b.add(
            "AWS::ECS::Cluster",
            arn,
            arn=arn,
            name=arn.rsplit("/", 1)[-1],
            ref=f"ecs {arn}",
        )
    for _, described in _per_resource(region_dir, "ecs-describe-tasks"):
        for task in described.get("tasks", []):
            arn = task["taskArn"]
            details = {
                d.get("name"): d.get("value")
                for att in task.get("attachments") or []
                for d in att.get("details") or []
            }
            b.add(
                "AWS::ECS::Task",
                arn,
                arn=arn,
                name=task.get("group") or arn,
                ref=f"ecs task {arn}",
                attributes={
                    "launch_type": task.get("launchType"),
                    "mac_addresses": [details["macAddress"]]
                    if details.get("macAddress")
                    else None,
                },
            )
            b.edge(arn, "MEMBER_OF", task.get("clusterArn"), f"ecs task {arn}")
            b.edge(arn, "LOCATED_IN", details.get("subnetId"), f"ecs task {arn}")
    for _, described in _per_resource(region_dir, "es-describe-elasticsearch-domain"):
        domain = described.get("DomainStatus") or {}
        arn = str(domain.get("ARN") or "")
        if not arn:
            continue
        b.add(
            "AWS::Elasticsearch::Domain",
            arn,
            arn=arn,
            name=domain.get("DomainName"),
            ref=f"es {domain.get('DomainName')}",
            attributes={"version": domain.get("ElasticsearchVersion")},
        )
        options = domain.get("VPCOptions") or {}
        for sid in options.get("SubnetIds") or []:
            b.edge(arn, "LOCATED_IN", sid, f"es {arn}")
        for gid in options.get("SecurityGroupIds") or []:
            b.edge(arn, "DEPENDS_ON", gid, f"es {arn}")
    for cluster in read("kafka-list-clusters").get("ClusterInfoList", []):
        arn = cluster["ClusterArn"]
        info = cluster.get("BrokerNodeGroupInfo") or {}
        b.add(
            "AWS::MSK::Cluster",
            arn,
            arn=arn,
            name=cluster.get("ClusterName"),
            ref=f"kafka {cluster.get('ClusterName')}",
            attributes={
                "broker_type": info.get("InstanceType"),
                "brokers": cluster.get("NumberOfBrokerNodes"),
            },
        )
        for sid in info.get("ClientSubnets") or []:
            b.edge(arn, "LOCATED_IN", sid, f"kafka {arn}")
        for gid in info.get("SecurityGroups") or []:
            b.edge(arn, "DEPENDS_ON", gid, f"kafka {arn}")
    for repo in read("ecr-describe-repositories").get("repositories", []):
        arn = repo["repositoryArn"]
        b.add(
            "AWS::ECR::Repository",
            arn,
            arn=arn,
            name=repo.get("repositoryName"),
            ref=f"ecr {repo.get('repositoryName')}",
        )
    for bucket in read("s3-list-buckets").get("Buckets", []):
        name = bucket["Name"]
        b.add(
            "AWS::S3::Bucket",
            name,
            arn=f"arn:aws:s3:::{name}",
            name=name,
            ref=f"s3 {name}",
        )
    for topic in read("sns-list-topics").get("Topics", []):
        arn = topic["TopicArn"]
        b.add(
            "AWS::SNS::Topic",
            arn,
            arn=arn,
            name=arn.rsplit(":", 1)[-1],
            ref=f"sns {arn}",
        )
    for url in read("sqs-list-queues").get("QueueUrls", []):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        arn = f"arn:aws:sqs:{region}:{account}:{name}"
        b.add(
            "AWS::SQS::Queue",
            url,
            arn=arn,
            name=name,
            ref=f"sqs {url}",
            attributes={"url": url},
        )
    batch = b.finish()
    batch.scopes.add(scope_of(account, region))
    return batch


# ---- AWS Config snapshots ----------------------------------------------------------------------


def _config_relationship(name: str) -> tuple[str, bool]:
    """(type, reversed) for an AWS Config relationship name."""
    lowered = name.lower()
    if lowered.startswith("is contained in"):
        return "LOCATED_IN", False
    if lowered.startswith("contains"):
        return "LOCATED_IN", True
    return "DEPENDS_ON", False


def transform_config_snapshot(document: Any, ref: str) -> Batch:
    """An AWS Config snapshot (`configurationItems`) to a batch."""
    items = document.get("configurationItems") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise AWSUnreadable(f"{ref}: no configurationItems list")
    builders: dict[tuple[str, str], _Builder] = {}
    batch = Batch()
    pending: list[tuple[_Builder, str, dict[str, Any], str]] = []
    for index, item in enumerate(items, start=1):
        item_ref = f"{ref}#item{index}"
        if not isinstance(item, dict):
            batch.rejected.append(Rejection(item_ref, "an item is not an object"))
            batch.complete = False
            continue
        missing = [
            f
            for f in ("resourceType", "resourceId", "awsAccountId", "awsRegion")
            if not item.get(f)
        ]
        if missing:
            batch.rejected.append(
                Rejection(item_ref, f"{missing[0]} is missing", missing[0])
            )
            batch.complete = False
            continue
        account, region = str(item["awsAccountId"]), str(item["awsRegion"])
        b = builders.setdefault((account, region), _Builder(account, region))
        scope = scope_of(account, region)
        batch.scopes.add(scope)
        type_, rid = str(item["resourceType"]), str(item["resourceId"])
        arn = item.get("ARN") or item.get("arn") or None
        if item.get("configurationItemStatus") in DELETED:
            batch.deletions.append(Deletion(arn or b.arn(type_, rid), scope, item_ref))
            continue
        try:
            seen_at = parse_instant(str(item.get("configurationItemCaptureTime") or ""))
        except ParseError:
            seen_at = None
        configuration = item.get("configuration")
        if isinstance(configuration, str):
            try:
                configuration = json.loads(configuration)
            except ValueError:
                configuration = {}
        configuration = configuration if isinstance(configuration, dict) else {}
        tags = _tags(item.get("tags"))
        key = b.add(
            type_,
            rid,
            arn=arn,
            name=tags.get("Name") or item.get("resourceName"),
            ref=item_ref,
            scope=scope,
            seen_at=seen_at,
            attributes={
                "availability_zone": item.get("availabilityZone"),
                "tags": tags,
                "instance_type": configuration.get("instanceType"),
                "hostname": configuration.get("privateDnsName"),
            },
        )
        if key is not None:
            pending.append((b, rid, item, item_ref))
    for b, rid, item, item_ref in pending:
        for rel in item.get("relationships") or []:
            target = rel.get("resourceId") or rel.get("resourceName")
            type_, reverse = _config_relationship(
                str(rel.get("relationshipName") or "")
            )
            if reverse:
                b.edge(str(target), type_, rid, item_ref)
            else:
                b.edge(rid, type_, str(target), item_ref)
    ids = {rid: key for b in builders.values() for rid, key in b.by_id.items()}
    for b in builders.values():
        b.by_id = ids  # relationships may cross accounts within one snapshot
        part = b.finish()
        batch.cis += part.cis
        batch.relationships += part.relationships
        batch.unresolved += part.unresolved
        batch.rejected += part.rejected
    return batch


def transform_bytes(raw: bytes, name: str) -> Batch:
    """One uploaded file: an AWS Config snapshot (JSON)."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise AWSUnreadable(f"{name}: not valid JSON ({error})") from error
    return transform_config_snapshot(document, name)


def transform_paths(paths: list[Path]) -> Batch:
    """Files are Config snapshots; a folder is a CloudMapper account or a folder of snapshots."""
    batch = Batch()
    for path in paths:
        if path.is_dir():
            if any(
                d.is_dir() and any(d.glob("ec2-describe-*.json"))
                for d in path.iterdir()
            ):
                batch.extend(transform_cloudmapper(path))
            else:
                for file in sorted(path.rglob("*.json")):
                    batch.extend(transform_bytes(file.read_bytes(), file.name))
        else:
            batch.extend(transform_bytes(path.read_bytes(), path.name))
    return batch
